"""Statistics for LA officers: the `flask stats` export."""
