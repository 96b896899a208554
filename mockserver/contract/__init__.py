"""The contract checked both ways: the mock's schemas and error tables held
against a provider's real answers (proxy, recording, provider checks)."""
