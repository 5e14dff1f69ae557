"""Demo data for ``manage.py seed_demo``: users for every role, organisations, the two public award
batches (B.E. 2564 and 2565) as real awards with their rounds, meetings, decisions, registry records and
pending documents, the promotion zones still preparing plans, and two sample applications in progress.
Real areas carry what the public record says; every invented entry is marked as sample data, and every
assumed attribute of a real area is listed beside its table (docs/demo-data.md).

``record`` holds the data (what the public record says, what is assumed, what is sample data; the
tests use its complete proposal and plan too); ``seed`` writes it to the database.
"""
