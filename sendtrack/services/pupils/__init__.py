"""A child's record and SEN support register: details, needs and status, transfers
between schools, the timeline, restriction, assess-plan-do-review and subject access."""
