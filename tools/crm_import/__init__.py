"""`coach import`: CRM exports (CSV) into a workspace folder, through a column mapping.

mapping.py says which column feeds which deal field (shipped presets for Salesforce reports,
HubSpot deal exports and the public Maven CRM data, or a YAML file); values.py turns one cell
into a typed value; importer.py reads the files row by row, skips and reports a bad row, and
writes each deal atomically, updating what an earlier import wrote instead of duplicating it.
"""
