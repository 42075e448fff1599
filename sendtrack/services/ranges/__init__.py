"""Ranges and ordinarily available provision: the framework and its versions (frameworks),
the published guide (guide), and judgements of a child's level per area (judgements)."""
