// SPDX-License-Identifier: GPL-2.0
/*
 * Record decoding. The events and fields read are the table of events.c;
 * their offsets and sizes are taken once from the trace's own event formats
 * (tep_find_field), so stock and patched kvm_exit layouts, 32-bit hosts and
 * other-endian files all decode with the same code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "engine.h"

static int take_field(struct tep_event *event, const char *name,
		      struct es_field *out, bool common)
{
	struct tep_format_field *f;

	f = common ? tep_find_common_field(event, name)
		   : tep_find_field(event, name);
	memset(out, 0, sizeof(*out));
	if (!f)
		return -ENOENT;
	/* Only scalar fields of 1, 2, 4 or 8 bytes are read by offset. */
	if (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
		return -EPROTO;
	if (f->offset < 0 || f->offset + f->size > 0xffff)
		return -EPROTO;
	out->offset = (uint16_t)f->offset;
	out->size = (uint8_t)f->size;
	out->is_signed = !!(f->flags & TEP_FIELD_IS_SIGNED);
	return 0;
}

/* How the slot's field reaches its member, once per trace: a plain copy
 * when the record holds it as the member does. */
static void plan_slot(struct es_slot *s, bool swap)
{
	static const uint8_t copy[9] = {
		[1] = ES_OP_COPY1, [2] = ES_OP_COPY2, [4] = ES_OP_COPY4,
		[8] = ES_OP_COPY8,
	};

	if (s->f.is_signed && s->f.size < 8)
		s->sext = (uint8_t)(64 - 8 * s->f.size);
	s->op = s->f.size && !swap && s->f.size == s->store ? copy[s->store]
							     : ES_OP_CONVERT;
}

/* The event's fields as its table entry names them; -ENOENT (and el
 * cleared) when a required one is absent or not a plain integer. */
static int take_fields(struct tep_event *event, const struct es_event_desc *d,
		       bool swap, struct es_event_layout *el)
{
	bool any_patched = false, all_patched = true;
	unsigned int i, end;

	memset(el, 0, sizeof(*el));
	for (i = 0; i < ES_MAX_FIELDS && d->field[i].name; i++) {
		const struct es_field_desc *fd = &d->field[i];
		struct es_slot *s = &el->slot[i];

		s->member = fd->member;
		s->store = fd->truth ? ES_STORE_BOOL : fd->member_size;
		if (fd->use == ES_FIELD_PATCHED)
			any_patched = true;
		if (!take_field(event, fd->name, &s->f, false) ||
		    (fd->alt && !take_field(event, fd->alt, &s->f, false)))
			continue;
		if (fd->use == ES_FIELD_REQUIRED) {
			memset(el, 0, sizeof(*el));
			return -ENOENT;
		}
		if (fd->use == ES_FIELD_PATCHED)
			all_patched = false;
	}
	el->nslots = (uint8_t)i;
	el->patched = any_patched && all_patched;
	for (i = 0; i < el->nslots; i++) {
		struct es_slot *s = &el->slot[i];

		/* patched fields are read all together or not at all */
		if (d->field[i].use == ES_FIELD_PATCHED && !el->patched)
			memset(&s->f, 0, sizeof(s->f));
		end = (unsigned int)s->f.offset + s->f.size;
		if (s->f.size && end > el->min_size)
			el->min_size = end;
		plan_slot(s, swap);
	}
	return 0;
}

/* "'ret' and 'esr_ec'": the event's required fields, for messages. */
static void required_names(const struct es_event_desc *d, char *buf, size_t len)
{
	size_t used = 0, n = 0, i, k;

	for (i = 0; i < ES_MAX_FIELDS && d->field[i].name; i++)
		n += d->field[i].use == ES_FIELD_REQUIRED;
	buf[0] = 0;
	for (i = 0, k = 0; i < ES_MAX_FIELDS && d->field[i].name && used < len; i++) {
		if (d->field[i].use != ES_FIELD_REQUIRED)
			continue;
		k++;
		used += (size_t)snprintf(buf + used, len - used, "%s'%s'",
					 k == 1 ? "" : k == n ? " and " : ", ",
					 d->field[i].name);
	}
}

/* kind_by_id for every event of the table the trace has, with its fields
 * and kvm_exit's header layout. */
static int map_events(struct es_layout *layout, struct tep_handle *tep,
		      struct es_error *err)
{
	struct tep_event *ev;
	unsigned int max_id = 0;
	int k;

	for (k = 1; k < ES_EV_NKINDS; k++) {
		ev = es_events[k].name
			? tep_find_event_by_name(tep, "kvm", es_events[k].name) : NULL;
		if (ev && ev->id > 0 && (unsigned int)ev->id > max_id)
			max_id = (unsigned int)ev->id;
	}
	if (max_id > 0xffff) {
		snprintf(err->msg, sizeof(err->msg),
			 "unexpected event format: event id %u too large", max_id);
		return -EPROTO;
	}
	layout->max_id = max_id;
	layout->kind_by_id = calloc(max_id + 1, 1);
	if (!layout->kind_by_id) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -ENOMEM;
	}

	for (k = 1; k < ES_EV_NKINDS; k++) {
		struct es_field ct, cp;

		ev = es_events[k].name
			? tep_find_event_by_name(tep, "kvm", es_events[k].name) : NULL;
		if (!ev || ev->id < 0)
			continue;
		/* Events sharing the common header layout only. */
		if (take_field(ev, "common_type", &ct, true) ||
		    take_field(ev, "common_pid", &cp, true) ||
		    ct.offset != layout->common_type.offset ||
		    cp.offset != layout->common_pid.offset)
			continue;
		if (k != ES_EV_EXIT &&		/* taken by es_layout_init */
		    take_fields(ev, &es_events[k], layout->swap, &layout->ev[k]))
			continue;
		layout->ev[k].found = true;
		layout->kind_by_id[ev->id] = (uint8_t)k;
	}
	return 0;
}

int es_layout_init(struct es_layout *layout, struct tep_handle *tep,
		   struct es_error *err)
{
	const struct es_event_desc *exit_desc = &es_events[ES_EV_EXIT];
	struct tep_event *exit_ev;
	char names[128];

	memset(layout, 0, sizeof(*layout));
	layout->swap = tep_is_file_bigendian(tep) != tep_is_local_bigendian(tep);

	exit_ev = tep_find_event_by_name(tep, "kvm", exit_desc->name);
	if (!exit_ev) {
		snprintf(err->msg, sizeof(err->msg),
			 "no kvm events in the trace (record with 'trace-cmd record -e kvm')");
		return -ENOMSG;
	}

	if (take_field(exit_ev, "common_type", &layout->common_type, true) ||
	    take_field(exit_ev, "common_pid", &layout->common_pid, true) ||
	    layout->common_type.size != 2) {
		snprintf(err->msg, sizeof(err->msg),
			 "unexpected event format: no usable common_type/common_pid");
		return -EPROTO;
	}
	if (take_fields(exit_ev, exit_desc, layout->swap, &layout->ev[ES_EV_EXIT])) {
		required_names(exit_desc, names, sizeof(names));
		snprintf(err->msg, sizeof(err->msg),
			 "unexpected %s format: no integer fields %s (not an arm64 trace?)",
			 exit_desc->name, names);
		return -EPROTO;
	}
	/* Our kernel patch appends these; their presence marks a patched trace. */
	layout->patched = layout->ev[ES_EV_EXIT].patched;
	es_ret_map_init(&layout->ret_map, exit_ev);
	return map_events(layout, tep, err);
}

void es_layout_release(struct es_layout *layout)
{
	free(layout->kind_by_id);
	layout->kind_by_id = NULL;
}

const struct es_field *es_layout_field(const struct es_layout *layout,
				       enum es_kind kind, const char *name)
{
	const struct es_event_desc *d;
	unsigned int i;

	if ((unsigned int)kind >= ES_EV_NKINDS)
		return NULL;
	d = &es_events[kind];
	for (i = 0; i < ES_MAX_FIELDS && d->field[i].name; i++)
		if (!strcmp(d->field[i].name, name) ||
		    (d->field[i].alt && !strcmp(d->field[i].alt, name)))
			return &layout->ev[kind].slot[i].f;
	return NULL;
}

static inline uint64_t bswap_n(uint64_t v, unsigned int size)
{
	switch (size) {
	case 2: return __builtin_bswap16((uint16_t)v);
	case 4: return __builtin_bswap32((uint32_t)v);
	case 8: return __builtin_bswap64(v);
	}
	return v;
}

/* Reads a field known to lie inside the record; sign-extends signed ones. */
static inline uint64_t get(const struct es_layout *l, const uint8_t *data,
			   const struct es_field *f)
{
	uint64_t v;

	switch (f->size) {
	case 1: v = data[f->offset]; break;
	case 2: { uint16_t x; memcpy(&x, data + f->offset, 2); v = x; break; }
	case 4: { uint32_t x; memcpy(&x, data + f->offset, 4); v = x; break; }
	case 8: memcpy(&v, data + f->offset, 8); break;
	default: return 0;	/* absent field */
	}
	if (l->swap)
		v = bswap_n(v, f->size);
	if (f->is_signed && f->size < 8) {
		unsigned int shift = 64 - 8 * f->size;

		v = (uint64_t)((int64_t)(v << shift) >> shift);
	}
	return v;
}

static inline bool fits(const struct es_field *f, uint32_t size)
{
	return (uint32_t)f->offset + f->size <= size;
}

/* Reads the slot's field (inside the record) into its member at p. */
static void convert_slot(const struct es_layout *l, const uint8_t *data,
			 const struct es_slot *s, uint8_t *p)
{
	uint64_t v = 0;

	switch (s->f.size) {
	case 1: v = data[s->f.offset]; break;
	case 2: { uint16_t x; memcpy(&x, data + s->f.offset, 2); v = x; break; }
	case 4: { uint32_t x; memcpy(&x, data + s->f.offset, 4); v = x; break; }
	case 8: memcpy(&v, data + s->f.offset, 8); break;
	}
	if (l->swap)
		v = bswap_n(v, s->f.size);
	v = (uint64_t)((int64_t)(v << s->sext) >> s->sext);
	switch (s->store) {
	case 1: { uint8_t x = (uint8_t)v; memcpy(p, &x, 1); break; }
	case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
	case 8: memcpy(p, &v, 8); break;
	case ES_STORE_BOOL: { bool b = v != 0; memcpy(p, &b, 1); break; }
	}
}

/* The slot's field into its member of ev; most are copied as they are. */
static inline void decode_slot(const struct es_layout *l, const uint8_t *data,
			       const struct es_slot *s, struct es_event *ev)
{
	uint8_t *p = (uint8_t *)ev + s->member;
	const uint8_t *f = data + s->f.offset;

	switch (s->op) {
	case ES_OP_COPY1: memcpy(p, f, 1); break;
	case ES_OP_COPY2: memcpy(p, f, 2); break;
	case ES_OP_COPY4: memcpy(p, f, 4); break;
	case ES_OP_COPY8: memcpy(p, f, 8); break;
	default: convert_slot(l, data, s, p); break;
	}
}

int es_decode(const struct es_layout *l, const void *record, uint32_t size,
	      struct es_event *ev)
{
	const uint8_t *data = record;
	const struct es_event_layout *el;
	const struct es_slot *s, *end;
	unsigned int id;

	ev->kind = ES_EV_OTHER;
	if (!fits(&l->common_type, size) || !fits(&l->common_pid, size))
		return -EBADMSG;
	id = (unsigned int)get(l, data, &l->common_type);
	/* Type-id dispatch first: most records are of no interest. */
	if (id > l->max_id || !l->kind_by_id[id])
		return 0;
	ev->tid = (int32_t)get(l, data, &l->common_pid);

	el = &l->ev[l->kind_by_id[id]];
	if (size < el->min_size)
		return -EBADMSG;
	for (s = el->slot, end = s + el->nslots; s < end; s++)
		decode_slot(l, data, s, ev);
	ev->kind = (enum es_kind)l->kind_by_id[id];
	if (l->ret_map.n && ev->kind == ES_EV_EXIT)
		ev->u.exit.ret = es_ret_map(&l->ret_map, ev->u.exit.ret);
	return 0;
}
