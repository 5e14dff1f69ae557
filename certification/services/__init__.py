"""Every write of the certification app, one module per stage of the programme, over ``core``.

``core`` (errors, audit, ``transition``, the outbox mail of a move) · ``drafting`` (the applicant writes,
attaches and submits) · ``review`` (screening, promotion zones, evaluation, the bodies' decisions) ·
``outbox`` (releasing and discarding mail) · ``awards`` (awards, their documents, reissue, revocation,
expiry) · ``rendering`` (PDFs of documents, batches, print packs). Callers import the module they need:
``from certification.services import review``. Reads are in ``certification.selectors``.
"""
