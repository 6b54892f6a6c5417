"""Keys: passphrase → key-encryption key → random data keys; sealing; signing.

* ``aead``     authenticated encryption (AES-256-GCM) bound to a record id.
* ``kdf``      scrypt, parameters stored beside the wrapped keys.
* ``keyring``  ``HOME/keys.json``: data keys wrapped under the passphrase's KEK.
* ``seal``     X25519 batch sealing to a project's public key.
* ``identity`` the station's Ed25519 signing key and fingerprints people can compare.
"""
