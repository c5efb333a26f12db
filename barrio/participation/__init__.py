"""Open calls, community groups, proposals, committee review and neighbourhood assemblies."""
