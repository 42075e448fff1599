"""EHC needs assessment requests: the requests and their statutory clocks, the officers'
queues, annual reviews of plans, and the SEN2 return."""
