/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to exitstat's reading of trace.dat version 7 files (v7.c,
 * v7-headers.c); the rest of the format's definitions are in exitstat.h.
 */
#ifndef EXITSTAT_V7_H
#define EXITSTAT_V7_H

#include "exitstat.h"

/* Sections are a few KB to a few MB (all event formats of a kernel);
 * larger is corrupt. Checked before anything is allocated for one. */
#define ES_V7_MAX_SECTION (16u << 20)

/* err gets fmt's message and ": strerror(-ret)"; returns ret. */
int es_v7_fail(struct es_error *err, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
