"""Cryptographic primitives both sides use: AES-GCM bound to a name, scrypt, batch sealing,
fingerprints, passphrase rules. Pure functions over the ``cryptography`` package."""
