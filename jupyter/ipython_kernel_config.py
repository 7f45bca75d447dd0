# IPython kernels started from the course's environment (make lab, the notebook tests)
# load this: the set-up installs it into <environment>/etc/ipython/, one of the places
# IPython reads its configuration from (jupyter/pyproject.toml, for make setup and conda).
#
# widgets.short_errors: the errors tinytorch raises on purpose show the learner's line
# and PyTorch's message, without tinytorch's own frames; any other error shows whole.
c.InteractiveShellApp.extensions = ["widgets.short_errors"]  # noqa: F821  (c is IPython's config object)
