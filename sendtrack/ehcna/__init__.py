"""EHC needs assessment requests: recording, the LA's workflow, queues, reviews, SEN2."""
