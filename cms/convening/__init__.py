"""The end-of-pilot convening: figures and charts, registration, small groups, the
published snapshot and the packet. The page models live in cms/models.py."""
