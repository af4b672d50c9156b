package specdiff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/payscoregen/payscoregen/internal/spec"
)

func (d *differ) files() {
	for _, path := range sortedKeys(d.new.files) {
		n, o := d.new.files[path], d.old.files[path]
		if o == nil {
			d.add(Info, n.Pos, "file "+path, "new spec file")
			continue
		}
		if o.Page == nil || n.Page == nil {
			continue
		}
		if o.Page.Updated != n.Page.Updated {
			d.add(Info, n.Page.At("updated"), "file "+path, "doc page revision changed from %s to %s", orNone(o.Page.Updated), orNone(n.Page.Updated))
		}
		d.texts(n.Page, "file "+path+" page", []textPair{
			{"title", o.Page.Title, n.Page.Title}, {"seed", o.Page.Seed, n.Page.Seed},
			{"seed_copies", strings.Join(o.Page.SeedCopies, " "), strings.Join(n.Page.SeedCopies, " ")},
			{"url", o.Page.URL, n.Page.URL}, {"doc_ids", strings.Join(o.Page.DocIDs, " "), strings.Join(n.Page.DocIDs, " ")},
			{"source", o.Page.Source, n.Page.Source}, {"description", o.Page.Description, n.Page.Description},
		})
		if o.API != nil && n.API != nil && o.API.BaseURL != n.API.BaseURL {
			d.add(Warning, n.API.At("base_url"), "file "+path, "api.base_url changed from %s to %s: clients that set no base URL call another host", o.API.BaseURL, n.API.BaseURL)
		}
	}
	for _, path := range sortedKeys(d.old.files) {
		if d.new.files[path] == nil {
			d.removed(Info, nil, d.old.files[path].Pos, "file "+path, "spec file removed")
		}
	}
}

// moved reports an item whose file's Go package changed.
func (d *differ) moved(item, newItem any, pos spec.Pos, subject string) {
	of, nf := d.old.fileOf[item], d.new.fileOf[newItem]
	if of != nil && nf != nil && of.Package != nf.Package {
		d.add(Breaking, pos, subject, "moved from package %s to %s: callers must change their import", of.Package, nf.Package)
	}
}

func (d *differ) goName(pos spec.Pos, subject, o, n string) {
	if o != n {
		d.add(Breaking, pos, subject, "Go name changed from %s to %s", o, n)
	}
}

// fixed reports a change of a value callers depend on as breaking.
func (d *differ) fixed(at interface{ At(string) spec.Pos }, subject, key, o, n string) {
	if o != n {
		d.add(Breaking, at.At(key), subject, "%s changed from %s to %s", key, orNone(o), orNone(n))
	}
}

func (d *differ) endpoints() {
	gone, added := diffKeys(d.old.endpoints, d.new.endpoints)
	for _, id := range gone {
		o := d.old.endpoints[id]
		// Same method and path under another id: a rename.
		if i := slices.IndexFunc(added, func(a string) bool {
			n := d.new.endpoints[a]
			return n.Method == o.Method && n.Path == o.Path
		}); i >= 0 {
			n := d.new.endpoints[added[i]]
			added = slices.Delete(added, i, i+1)
			d.add(Breaking, n.At("id"), "endpoint "+o.ID, "renamed to %s: the Go method %s becomes %s", n.ID, o.Ident(), n.Ident())
			d.endpoint(o, n)
			continue
		}
		d.removed(Breaking, d.new.holder(d.old.fileOf[o], "endpoints"), o.Pos, "endpoint "+o.ID,
			"endpoint removed (%s %s): callers of %s no longer compile", o.Method, o.Path, o.Ident())
	}
	for _, id := range added {
		n := d.new.endpoints[id]
		d.add(Info, n.Pos, "endpoint "+n.ID, "new endpoint %s %s", n.Method, n.Path)
	}
	for _, id := range sortedKeys(d.new.endpoints) {
		if o := d.old.endpoints[id]; o != nil {
			d.endpoint(o, d.new.endpoints[id])
		}
	}
}

func (d *differ) endpoint(o, n *spec.Endpoint) {
	subject := "endpoint " + n.ID
	d.moved(o, n, n.Pos, subject)
	if o.ID == n.ID {
		d.goName(n.Pos, subject, o.Ident(), n.Ident())
	}
	d.fixed(n, subject, "method", o.Method, n.Method)
	d.fixed(n, subject, "path", o.Path, n.Path)
	d.fixed(n, subject, "content_type", orDefault(o.ContentType, "json"), orDefault(n.ContentType, "json"))
	if o.SuccessStatus != n.SuccessStatus {
		d.add(Breaking, n.At("success_status"), subject, "success_status changed from %d to %d", o.SuccessStatus, n.SuccessStatus)
	}
	d.fieldLists(scope{subject: subject + " request", dir: sent, at: n.At("request")}, "", o.Request, n.Request)
	d.rules(scope{subject: subject + " request", dir: sent}, n.Pos, subject+" request", o.Rules, n.Rules)
	d.fieldLists(scope{subject: subject + " response", dir: received, at: n.At("response")}, "", o.Response, n.Response)

	oc, nc := d.old.codesOf(o), d.new.codesOf(n)
	for _, c := range oc {
		if !slices.Contains(nc, c) {
			d.add(Warning, n.Pos, subject, "error code %s no longer documented for this endpoint", c)
		}
	}
	for _, c := range nc {
		if !slices.Contains(oc, c) {
			d.add(Info, n.Pos, subject, "error code %s now documented for this endpoint", c)
		}
	}
	d.texts(n, subject, []textPair{
		{"title", o.Title, n.Title}, {"summary", o.Summary, n.Summary}, {"applies_to", o.AppliesTo, n.AppliesTo},
		{"request_example", o.RequestExample, n.RequestExample}, {"response_example", o.ResponseExample, n.ResponseExample},
		{"notes", strings.Join(o.Notes, "\n"), strings.Join(n.Notes, "\n")}, {"source", o.Source, n.Source},
	})
}

// codesOf expands an endpoint's error sets and own codes.
func (x *specIndex) codesOf(e *spec.Endpoint) []string {
	var out []string
	for _, id := range e.ErrorSets {
		if set := x.sets[id]; set != nil {
			out = append(out, set.Codes...)
		}
	}
	out = append(out, e.ErrorCodes...)
	slices.Sort(out)
	return slices.Compact(out)
}

func (d *differ) callbacks() {
	gone, added := diffKeys(d.old.callbacks, d.new.callbacks)
	for _, id := range gone {
		o := d.old.callbacks[id]
		d.removed(Breaking, d.new.holder(d.old.fileOf[o], "callbacks"), o.Pos, "callback "+o.ID,
			"callback removed: its handler and event types no longer exist")
	}
	for _, id := range added {
		d.add(Info, d.new.callbacks[id].Pos, "callback "+d.new.callbacks[id].ID, "new callback")
	}
	for _, id := range sortedKeys(d.new.callbacks) {
		if o := d.old.callbacks[id]; o != nil {
			d.callback(o, d.new.callbacks[id])
		}
	}
}

func (d *differ) callback(o, n *spec.Callback) {
	subject := "callback " + n.ID
	d.moved(o, n, n.Pos, subject)
	d.goName(n.Pos, subject, o.Ident(), n.Ident())
	d.fixed(n, subject, "method", o.Method, n.Method)
	d.fixed(n, subject, "encoding", o.Encoding, n.Encoding)
	d.fixed(n, subject, "signature", o.Signature, n.Signature)
	d.fixed(n, subject, "encryption", o.Encryption, n.Encryption)

	oldEv := map[string]*spec.Event{}
	for _, ev := range o.Events {
		oldEv[ev.Type] = ev
	}
	for _, ev := range n.Events {
		prev := oldEv[ev.Type]
		switch {
		case prev == nil:
			d.add(Warning, ev.Pos, subject, "new event type %s: handlers generated from the old spec acknowledge it without processing it", ev.Type)
		case prev.Ident() != ev.Ident():
			d.add(Breaking, ev.Pos, subject, "event %s: Go name changed from %s to %s", ev.Type, prev.Ident(), ev.Ident())
		case prev.Summary != ev.Summary:
			d.add(Info, ev.At("summary"), subject, "event %s: summary changed", ev.Type)
		}
		delete(oldEv, ev.Type)
	}
	for _, typ := range sortedKeys(oldEv) {
		d.add(Breaking, n.At("events"), subject, "event type %s removed: its handler callback no longer exists", typ)
	}

	d.fieldLists(scope{subject: subject + " envelope", dir: received, at: n.At("envelope")}, "", o.Envelope, n.Envelope)
	d.fieldLists(scope{subject: subject + " plaintext", dir: received, at: n.At("plaintext")}, "", o.Plaintext, n.Plaintext)
	d.rules(scope{subject: subject + " plaintext", dir: received}, n.Pos, subject+" plaintext", o.Rules, n.Rules)
	// Events with a plaintext of their own (FORMAT.md, per-event content).
	for _, ev := range n.Events {
		var prev *spec.Event
		for _, x := range o.Events {
			if x.Type == ev.Type {
				prev = x
			}
		}
		if prev == nil || (prev.Plaintext == nil && ev.Plaintext == nil) {
			continue
		}
		oldPlain, oldRules := prev.Plaintext, prev.Rules
		if oldPlain == nil {
			oldPlain, oldRules = o.Plaintext, o.Rules
		}
		newPlain, newRules := ev.Plaintext, ev.Rules
		if newPlain == nil {
			newPlain, newRules = n.Plaintext, n.Rules
		}
		es := subject + " event " + ev.Type + " plaintext"
		d.fieldLists(scope{subject: es, dir: received, at: ev.Pos}, "", oldPlain, newPlain)
		d.rules(scope{subject: es, dir: received}, ev.Pos, es, oldRules, newRules)
	}
	if o.Ack != nil && n.Ack != nil {
		d.fieldLists(scope{subject: subject + " ack.failure_body", dir: sent, at: n.Ack.At("failure_body")}, "", o.Ack.FailureBody, n.Ack.FailureBody)
		if fmt.Sprint(o.Ack.SuccessStatuses) != fmt.Sprint(n.Ack.SuccessStatuses) || o.Ack.SuccessBody != n.Ack.SuccessBody {
			d.add(Warning, n.Ack.Pos, subject, "success answer changed from %v %q to %v %q", o.Ack.SuccessStatuses, o.Ack.SuccessBody, n.Ack.SuccessStatuses, n.Ack.SuccessBody)
		}
		d.texts(n.Ack, subject+" ack", []textPair{{"deadline", o.Ack.Deadline, n.Ack.Deadline}, {"failure_statuses", o.Ack.FailureStatuses, n.Ack.FailureStatuses}})
	}
	if fmt.Sprint(oneOfs(o.OneOf)) != fmt.Sprint(oneOfs(n.OneOf)) {
		d.add(Warning, n.At("one_of"), subject, "one_of groups changed from %s to %s", oneOfs(o.OneOf), oneOfs(n.OneOf))
	}
	if o.Retry != nil && n.Retry != nil {
		d.texts(n.Retry, subject+" retry", []textPair{
			{"intervals", strings.Join(o.Retry.Intervals, " "), strings.Join(n.Retry.Intervals, " ")},
			{"then", o.Retry.Then, n.Retry.Then}, {"max_age", o.Retry.MaxAge, n.Retry.MaxAge},
		})
	}
	d.texts(n, subject, []textPair{
		{"title", o.Title, n.Title}, {"summary", o.Summary, n.Summary},
		{"headers", headers(o.Headers), headers(n.Headers)},
		{"notes", strings.Join(o.Notes, "\n"), strings.Join(n.Notes, "\n")}, {"source", o.Source, n.Source},
	})
}

func oneOfs(gs []*spec.OneOf) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name + "(" + strings.Join(g.Fields, "|") + ")"
	}
	slices.Sort(out)
	return out
}

func headers(hs []*spec.Header) string {
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "%s: %s\n", h.Name, h.Description)
	}
	return b.String()
}

func (d *differ) jumps() {
	gone, added := diffKeys(d.old.jumps, d.new.jumps)
	for _, id := range gone {
		o := d.old.jumps[id]
		d.removed(Breaking, d.new.holder(d.old.fileOf[o], "jumps"), o.Pos, "jump "+o.ID,
			"jump removed: New%s and its types no longer exist", o.Ident())
	}
	for _, id := range added {
		d.add(Info, d.new.jumps[id].Pos, "jump "+d.new.jumps[id].ID, "new jump")
	}
	for _, id := range sortedKeys(d.new.jumps) {
		if o := d.old.jumps[id]; o != nil {
			d.jump(o, d.new.jumps[id])
		}
	}
}

func (d *differ) jump(o, n *spec.Jump) {
	subject := "jump " + n.ID
	d.moved(o, n, n.Pos, subject)
	d.goName(n.Pos, subject, o.Ident(), n.Ident())
	for _, kv := range [][3]string{
		{"platform", o.Platform, n.Platform}, {"call", o.Call, n.Call}, {"business_type", o.BusinessType, n.BusinessType},
		{"app_id", o.AppID, n.AppID}, {"path", o.Path, n.Path}, {"carrier", o.Carrier, n.Carrier},
		{"carrier_field", o.CarrierField, n.CarrierField},
	} {
		d.fixed(n, subject, kv[0], kv[1], kv[2])
	}
	if os, ns := o.Signing, n.Signing; os != nil && ns != nil {
		for _, kv := range [][3]string{
			{"algorithm", os.Algorithm, ns.Algorithm}, {"key", os.Key, ns.Key},
			{"sign_field", os.SignField, ns.SignField}, {"sign_type_field", os.SignTypeField, ns.SignTypeField},
		} {
			d.fixed(ns, subject+" signing", kv[0], kv[1], kv[2])
		}
	}
	if gate(o.Requires) != gate(n.Requires) {
		pos := n.Pos
		if n.Requires != nil {
			pos = n.Requires.Pos
		}
		d.add(Warning, pos, subject, "version gate changed from %s to %s", gate(o.Requires), gate(n.Requires))
	}
	d.fieldLists(scope{subject: subject + " params", dir: sent, at: n.At("params")}, "", o.Params, n.Params)
	d.fieldLists(scope{subject: subject + " data", dir: sent, at: n.At("data")}, "", o.Data, n.Data)
	switch ors, nr := o.Returns, n.Returns; {
	case ors == nil && nr != nil:
		d.add(Info, nr.Pos, subject, "return data added")
	case ors != nil && nr == nil:
		d.add(Breaking, n.Pos, subject, "return data removed: Parse%sReturn no longer exists", o.Ident())
	case ors != nil:
		if ors.Scene != nr.Scene || ors.ReferrerAppID != nr.ReferrerAppID {
			d.add(Warning, nr.Pos, subject, "return detection changed from scene %d / %s to scene %d / %s", ors.Scene, orNone(ors.ReferrerAppID), nr.Scene, orNone(nr.ReferrerAppID))
		}
		d.fieldLists(scope{subject: subject + " returns", dir: received, at: nr.At("fields")}, "", ors.Fields, nr.Fields)
		d.texts(nr, subject+" returns", []textPair{
			{"present_when", ors.PresentWhen, nr.PresentWhen},
			{"notes", strings.Join(ors.Notes, "\n"), strings.Join(nr.Notes, "\n")},
		})
	}
	d.texts(n, subject, []textPair{
		{"title", o.Title, n.Title}, {"summary", o.Summary, n.Summary},
		{"notes", strings.Join(o.Notes, "\n"), strings.Join(n.Notes, "\n")}, {"source", o.Source, n.Source},
	})
}

// gate renders a jump's version requirements for comparison and messages.
func gate(r *spec.Requires) string {
	if r == nil {
		return "(none)"
	}
	var parts []string
	for _, kv := range [][2]string{
		{"base_library", r.BaseLibrary}, {"wechat", r.WeChat}, {"opensdk_android", r.OpenSDKAndroid},
		{"opensdk_ios", r.OpenSDKIOS}, {"jssdk", r.JSSDK},
	} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+" "+kv[1])
		}
	}
	if r.JumpLimit {
		parts = append(parts, "counts toward the jump limit")
	}
	if len(parts) == 0 {
		return "(none)"
	}
	return strings.Join(parts, ", ")
}

func (d *differ) errorCodes() {
	gone, added := diffKeys(d.old.codes, d.new.codes)
	for _, code := range gone {
		o := d.old.codes[code]
		d.removed(Breaking, d.new.holder(d.old.fileOf[o], "errors"), o.Pos, "error code "+code,
			"error code removed: Err%s no longer exists", o.Ident())
	}
	for _, code := range added {
		d.add(Info, d.new.codes[code].Pos, "error code "+code, "new error code (status %d)", d.new.codes[code].Status)
	}
	for _, code := range sortedKeys(d.new.codes) {
		o, n := d.old.codes[code], d.new.codes[code]
		if o == nil {
			continue
		}
		subject := "error code " + code
		d.moved(o, n, n.Pos, subject)
		d.goName(n.Pos, subject, o.Ident(), n.Ident())
		if o.Status != n.Status {
			d.add(Warning, n.At("status"), subject, "status changed from %d to %d", o.Status, n.Status)
		}
		if o.Advice != n.Advice {
			d.add(Warning, n.At("advice"), subject, "advice changed from %s to %s: Retryable and Advice answer differently", o.Advice, n.Advice)
		}
		d.texts(n, subject, []textPair{
			{"description", o.Description, n.Description}, {"solution", o.Solution, n.Solution}, {"erratum", o.Erratum, n.Erratum},
		})
	}
}

func (d *differ) errata() {
	gone, added := diffKeys(d.old.errata, d.new.errata)
	for _, id := range gone {
		o := d.old.errata[id]
		d.removed(Warning, d.new.holder(d.old.fileOf[o], "errata"), o.Pos, "erratum "+id, "erratum removed: check that the code no longer needs its decision")
	}
	for _, id := range added {
		n := d.new.errata[id]
		d.add(Warning, n.Pos, "erratum "+id, "new erratum: the code now uses %s", oneLine(n.Uses))
	}
	for _, id := range sortedKeys(d.new.errata) {
		o, n := d.old.errata[id], d.new.errata[id]
		if o == nil {
			continue
		}
		for _, kv := range [][3]string{{"where", o.Where, n.Where}, {"doc", o.Doc, n.Doc}, {"uses", o.Uses, n.Uses}, {"why", o.Why, n.Why}} {
			if kv[1] != kv[2] {
				d.add(Warning, n.At(kv[0]), "erratum "+id, "%s changed", kv[0])
			}
		}
	}
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:117]) + "..."
	}
	return s
}

// diffKeys returns the keys only in old and only in new, sorted.
func diffKeys[V any](old, new map[string]V) (gone, added []string) {
	for _, k := range sortedKeys(old) {
		if _, ok := new[k]; !ok {
			gone = append(gone, k)
		}
	}
	for _, k := range sortedKeys(new) {
		if _, ok := old[k]; !ok {
			added = append(added, k)
		}
	}
	return gone, added
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
