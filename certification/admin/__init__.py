"""The committee admin: the secretariat, the evaluators, the committee secretaries and the officials work
here. Every decision goes through the services; what a user sees and may do is asked of ``rules``
(``base.RulesAdmin``), and an object they may not see answers 404.

``applications`` (applications, their review pages, decision actions) · ``evaluations`` (an evaluator's
declaration and scores) · ``meetings`` (intake rounds, the checklist, meetings and resolutions) ·
``outbox`` (mail waiting for release) · ``documents`` (award rounds, awards, documents and printing) ·
``reports`` (progress reports, their assessment, the progress index) · ``renewals`` (requests for renewal,
renewal and revocation by the committee's resolution).
"""

from . import (  # noqa: F401 - they register
    accounts,
    applications,
    documents,
    evaluations,
    meetings,
    outbox,
    renewals,
    reports,
)
