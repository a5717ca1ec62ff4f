"""The command line (``requests-urllib-compat`` / ``python -m requests_urllib_compat``): one
module per command (:mod:`.get`, :mod:`.check`, :mod:`.migrate`, :mod:`.run`, :mod:`.demo`),
dispatched by :mod:`.main`.  Tooling on top of the runtime: the runtime never imports it."""
