"""Browser end-to-end test of Energy Monitor in a real Home Assistant.

``script/e2e`` starts ``script/develop``'s Home Assistant and simulators and
runs ``python -m e2e``: headless Chromium (Playwright for Python, Debian's
chromium) walks every source's setup wizard with its simulator's answers,
checks the device pages and the Energy dashboard, and saves a screenshot of
every step.
"""
