# SPDX-License-Identifier: GPL-2.0
"""exitlab's multi-guest benchmark runner, by stage; benchmarks/multi-guest is its command.

common  where things are, the workloads and settings known, messages, UsageError
study   study files and axis flags -> the typed matrix -> cells (expand)
cell    one cell, what GNU parallel runs: ./run-host.sh, then judge the result
tables  merge: cell directories -> results.csv, results.json, exits_by_class.csv, cells.csv
plots   the gnuplot plots of a merge
driver  run: the cells through GNU parallel, resume, summary
cli     usage text, flags, subcommands, exit status (main)

Standard library only; nothing here imports from tests/.
"""
