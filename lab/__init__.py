"""The local container lab and the tooling around the collection, none of it in the built collection.

hosts: the lab's host model (its inventory, container names, release, SSH configuration); runner: make lab and
make faults (python -m lab); report: the tables, report.md, faults.md, index.html and timelines; screenshots: the
test page in headless Chromium; loopback: a throwaway nginx and page servers on loopback for the unit tests and
the benchmarks. Run and imported from the checkout's root.
"""
