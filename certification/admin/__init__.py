"""The committee admin: the secretariat, the evaluators, the committee secretaries and the officials work
here. Every decision goes through the services; what a user sees and may do is asked of ``rules``
(``base.RulesAdmin``), and an object they may not see answers 404.

``applications`` (applications, their review pages, decision actions) · ``evaluations`` (an evaluator's
declaration and scores) · ``meetings`` (intake rounds, the checklist, meetings and resolutions) ·
``outbox`` (mail waiting for release) · ``documents`` (award rounds, awards, documents and printing).
"""

from . import accounts, applications, documents, evaluations, meetings, outbox  # noqa: F401 - they register
