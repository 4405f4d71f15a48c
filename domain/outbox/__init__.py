"""The outbox, part of the kernel: the catalogue of domain event types and `emit`, which writes an
event in its change's transaction. The feed that reads them is an upper layer (domain/events/)."""
