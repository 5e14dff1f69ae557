"""The applicant area, /apply/. Every page finds its application through ``rules.applications_of(user)``
(``applications.application_of``), so another organisation's application, section, attachment or
document answers 404.

``applications`` (the dashboard, a new proposal, an application's page, review, submit, withdraw) ·
``sections`` (writing a section, autosave, attachments) · ``certificates`` (the documents issued to the
applicant's organisations and their PDFs).
"""
