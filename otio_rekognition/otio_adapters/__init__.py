"""The files plugin_manifest.json names for the writer adapters.

OTIO loads an adapter by file path under a module name of its own, outside
``sys.modules``, which breaks dataclasses and would load the writer twice; so
each file here only re-exports a writer module's adapter functions.
"""
