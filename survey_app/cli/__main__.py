"""`python -m survey_app.cli` is the same as `amplify`."""

from . import main

main(prog_name="amplify")
