"""Barrio's participatory-budgeting allocation engine (pure: no Django, no I/O).

Read a pabulib ``.pb`` file with :func:`parse_pb`, build the :class:`Instance` and the
compact :class:`Profile` (identical ballots merged), and decide with a rule by name
(:func:`decide`) or directly (:func:`greedy`, :func:`equal_shares`, :func:`phragmen`,
:func:`split_pots`). Every outcome explains every project. See ``docs/allocation.md``.

Examples
--------
>>> from barrio.core.pb import Instance, make_profile, decide
>>> instance = Instance(("A", "B"), (6, 4), 10)
>>> profile = make_profile([{0: 1}] * 3 + [{1: 1}], 2, approval=True)
>>> decide("mes-add1-greedy", instance, profile).selected_ids()
['A', 'B']
"""

from barrio.core.pb.equal_shares import MesParams, equal_shares
from barrio.core.pb.errors import PbFileError
from barrio.core.pb.greedy import GreedyParams, greedy
from barrio.core.pb.model import PbElection, PbProject, PbVote
from barrio.core.pb.outcome import Outcome, ProjectExplanation, Share
from barrio.core.pb.phragmen import phragmen
from barrio.core.pb.pots import Pot, split_pots
from barrio.core.pb.profile import Instance, Profile, instance_of, make_profile, profile_of
from barrio.core.pb.reader import parse_pb
from barrio.core.pb.rules import MES_RULES, RULES, decide, load_rule
from barrio.core.pb.tiebreak import TieBreaking
from barrio.core.pb.writer import format_pb

__all__ = [
    "MES_RULES",
    "RULES",
    "GreedyParams",
    "Instance",
    "MesParams",
    "Outcome",
    "PbElection",
    "PbFileError",
    "PbProject",
    "PbVote",
    "Pot",
    "Profile",
    "ProjectExplanation",
    "Share",
    "TieBreaking",
    "decide",
    "equal_shares",
    "format_pb",
    "greedy",
    "instance_of",
    "load_rule",
    "make_profile",
    "parse_pb",
    "phragmen",
    "profile_of",
    "split_pots",
]
