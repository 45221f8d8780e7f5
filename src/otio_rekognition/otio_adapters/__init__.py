"""The OTIO adapters plugin_manifest.json names: thin functions with the
arguments ``otiopluginfo`` lists, over the reader, the cut list and the writers.

OTIO loads an adapter by file path under a module name of its own, outside
``sys.modules``, which breaks dataclasses and would load a module twice; so
nothing here defines a class, and everything else is imported normally.
"""
