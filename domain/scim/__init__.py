"""SCIM 2.0 (RFC 7643/7644) provisioning of officers, through scim2-server on our own storage.

- schema.py: the User resource as we publish it (exactly the attributes we store), the
  Tadrib officer extension, the provider configuration and the tolerant PATCH policy;
- service.py: the protocol service, with our two decisions (PUT keeps `active`; PATCH answers 200);
- mapping.py: a SCIM User <-> an officer and its provisioning link;
- filters.py: SCIM filters and sorting as SQL;
- storage.py: the storage the library calls, bound to one request's session and principal.

A SCIM source is one account (`scim:<client_id>`); it sees the officers it provisioned, within
its reach. The officers service does every write (reach, duplicates, keys, audit)."""
