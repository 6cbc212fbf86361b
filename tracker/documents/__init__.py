"""The register of the documents a unit issues (sổ văn bản đi), and row 1.1 of Phụ lục 1 from it.

A task's evidence is an entry of this register (tasks.operations finds or creates it), so a
document is entered once; leaders and the focal officer also type entries, import them from a
document-management system's .xlsx, and cancel them (never delete).
"""
