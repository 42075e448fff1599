"""Reception Transition Funding: applications and decisions, budgets and bands,
follow-up of awards, and linking an award to the child when they join a school."""
