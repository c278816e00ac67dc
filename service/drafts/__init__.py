"""Input preparation every front end shares: what counts as a draft (validation,
decoding) and reading it by format (plain, Markdown, HTML) with an offset map to the original.
"""
