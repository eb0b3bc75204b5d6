"""A tenant's rows in every table: exported (``export_tenant``) and deleted (``delete_tenant``)."""
