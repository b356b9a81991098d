"""Personal data (Nghị định 13/2023/NĐ-CP): the notice citizens agree to before giving their
contact, export and erasure of a citizen's data, and retention of complaints' contact data and
of conversations. Masking for logs and answers lives in :mod:`knowledge.shared.privacy`."""
