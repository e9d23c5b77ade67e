"""Operating Bairn: least-privilege database roles, backups and restores of both stores
(`bairn db roles`, `bairn backup`, `bairn restore`; DEVELOPERS.md "Operating")."""
