"""An index configuration as plain data (JSON) and back.

Stored configurations are dictionaries such as::

    {"code": "need", "orientation": "higher_is_worse", "missing": "reweight",
     "rescale_output": false,
     "root": {"code": "need", "aggregation": "arithmetic", "children": [
         {"indicator": "poverty", "direction": "higher_is_worse", "weight": 2},
         {"code": "health", "children": [{"indicator": "idh", "direction": "higher_is_better",
                                           "normalisation": "minmax", "goalposts": [0, 1]}]}]}}

A child with an ``indicator`` key is a leaf; any other child is a group.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from barrio.core.indices.composite import Group, IndexSpec, Indicator

__all__ = ["leaf_codes", "spec_from_data", "spec_to_data"]


def _number(data: Mapping[str, Any], key: str, where: str, default: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: {key} must be a number")
    return float(value)


def _node(data: Any, where: str) -> Indicator | Group:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}: expected an object")
    if "indicator" in data:
        goalposts = data.get("goalposts")
        if goalposts is not None:
            if not (isinstance(goalposts, list | tuple) and len(goalposts) == 2):
                raise ValueError(f"{where}: goalposts must be [low, high]")
            goalposts = (float(goalposts[0]), float(goalposts[1]))
        return Indicator(
            code=str(data["indicator"]),
            direction=cast(Any, data.get("direction", "")),
            weight=_number(data, "weight", where, 1.0),
            normalisation=cast(Any, data.get("normalisation", "minmax")),
            goalposts=goalposts,
        )
    children = data.get("children")
    if not isinstance(children, list) or not children:
        raise ValueError(f"{where}: a group needs a non-empty list of children")
    code = str(data.get("code", ""))
    if not code:
        raise ValueError(f"{where}: a group needs a code")
    return Group(
        code=code,
        children=tuple(_node(child, f"{where}.children[{i}]") for i, child in enumerate(children)),
        weight=_number(data, "weight", where, 1.0),
        aggregation=cast(Any, data.get("aggregation", "arithmetic")),
    )


def spec_from_data(data: Mapping[str, Any]) -> IndexSpec:
    """Build an :class:`IndexSpec` from plain data.

    Raises
    ------
    ValueError
        Naming where the data is malformed (``root.children[1]: ...``). The tree itself
        (weights, codes, options) is checked by :func:`compute_index`.

    Examples
    --------
    >>> spec = spec_from_data({"code": "x", "root": {"code": "x", "children": [
    ...     {"indicator": "a", "direction": "higher_is_better"}]}})
    >>> spec.root.children[0].code
    'a'
    """
    if not isinstance(data, Mapping) or not data.get("code"):
        raise ValueError("index: a code is required")
    root = _node(data.get("root"), "root")
    if not isinstance(root, Group):
        raise ValueError("root: the root must be a group")
    return IndexSpec(
        code=str(data["code"]),
        root=root,
        orientation=cast(Any, data.get("orientation", "higher_is_better")),
        missing=cast(Any, data.get("missing", "reweight")),
        rescale_output=bool(data.get("rescale_output", False)),
    )


def _node_data(node: Indicator | Group) -> dict[str, Any]:
    if isinstance(node, Indicator):
        data: dict[str, Any] = {
            "indicator": node.code,
            "direction": node.direction,
            "weight": node.weight,
            "normalisation": node.normalisation,
        }
        if node.goalposts is not None:
            data["goalposts"] = list(node.goalposts)
        return data
    return {
        "code": node.code,
        "weight": node.weight,
        "aggregation": node.aggregation,
        "children": [_node_data(child) for child in node.children],
    }


def spec_to_data(spec: IndexSpec) -> dict[str, Any]:
    """The plain data of ``spec`` (the inverse of :func:`spec_from_data`)."""
    return {
        "code": spec.code,
        "orientation": spec.orientation,
        "missing": spec.missing,
        "rescale_output": spec.rescale_output,
        "root": _node_data(spec.root),
    }


def leaf_codes(spec: IndexSpec) -> list[str]:
    """The codes of the indicators the index reads, in tree order."""
    found: list[str] = []

    def walk(node: Indicator | Group) -> None:
        if isinstance(node, Indicator):
            found.append(node.code)
        else:
            for child in node.children:
                walk(child)

    walk(spec.root)
    return found
