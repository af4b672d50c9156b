package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/payscoregen/payscoregen/internal/ir"
	"github.com/payscoregen/payscoregen/internal/spec"
	"github.com/payscoregen/payscoregen/runtime/validate"
	specfs "github.com/payscoregen/payscoregen/spec"
)

// What the simulator reads from the spec's IR (internal/ir), once, at New:
// one operation per APIv3 endpoint (route, field rules, documented error
// codes), and the callback that carries the authorization events (plaintext
// rules, ack statuses, retry schedule). The rules are the IR's: the same
// values the generated Validate methods use.

var (
	embeddedOnce sync.Once
	embeddedProg *ir.Program
	embeddedErr  error
)

// loadEmbedded loads the spec embedded in the binary (package specfs).
func loadEmbedded() (*ir.Program, error) {
	embeddedOnce.Do(func() {
		embeddedProg, embeddedErr = loadSpecFS(specfs.FS())
	})
	return embeddedProg, embeddedErr
}

func loadSpecFS(fsys fs.FS) (*ir.Program, error) {
	return ir.Load(fsys, "spec", ir.Options{})
}

// operation is one endpoint of the spec, ready to route and validate.
type operation struct {
	ep       *spec.Endpoint
	segments []segment
	path     []*fieldRule // in: path
	query    []*fieldRule // in: query
	body     []*fieldRule // in: body
	response []*fieldRule
	codes    map[string]*spec.ErrorCode // documented for this endpoint
}

// segment is one path segment: a literal, or a {param} when param is set.
type segment struct {
	literal string
	param   string
}

// fieldRule is a spec field with its runtime/validate rules from the IR.
type fieldRule struct {
	field    *spec.Field
	str      *validate.StringRule // type string
	integer  *validate.IntRule    // type integer
	array    *validate.ArrayRule  // type array (nil: unbounded, optional)
	children []*fieldRule         // type object, or the members of array items
	elem     *fieldRule           // type array: the items
	isURL    bool                 // format url (not a runtime/validate format)
}

func buildOperations(prog *ir.Program) ([]*operation, error) {
	var ops []*operation
	for _, pkg := range prog.Packages {
		for _, ie := range pkg.Endpoints {
			ep := ie.Spec
			if ie.Form {
				continue
			}
			op := &operation{ep: ep, codes: map[string]*spec.ErrorCode{}}
			for _, seg := range strings.Split(strings.TrimPrefix(ep.Path, "/"), "/") {
				if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
					op.segments = append(op.segments, segment{param: seg[1 : len(seg)-1]})
				} else {
					op.segments = append(op.segments, segment{literal: seg})
				}
			}
			for _, fld := range ie.Request.Fields {
				r := newFieldRule(fld)
				switch fld.Spec.In {
				case "path":
					op.path = append(op.path, r)
				case "query":
					op.query = append(op.query, r)
				default:
					op.body = append(op.body, r)
				}
			}
			if ie.Response != nil {
				op.response = newFieldRules(ie.Response.Fields)
			}
			for _, c := range ie.Codes {
				op.codes[c.Spec.Code] = c.Spec
			}
			ops = append(ops, op)
		}
	}
	if len(ops) == 0 {
		return nil, errors.New("sim: the spec has no wechatpay-v3 endpoints")
	}
	return ops, nil
}

func newFieldRules(fields []*ir.Field) []*fieldRule {
	var rules []*fieldRule
	for _, f := range fields {
		rules = append(rules, newFieldRule(f))
	}
	return rules
}

// newFieldRule takes a field's rules from the IR: the same checks the
// generated Validate methods make, so the simulator refuses what WeChat Pay
// would.
func newFieldRule(f *ir.Field) *fieldRule {
	r := valueRule(f.Type, f.Check)
	r.field = f.Spec
	r.isURL = f.Spec.Format == spec.FormatURL
	return r
}

func valueRule(t *ir.Type, ck *ir.Check) *fieldRule {
	r := &fieldRule{}
	if ck == nil {
		ck = &ir.Check{}
	}
	if ck.String != nil {
		r.str = ck.String.String
	}
	if ck.Int != nil {
		r.integer = ck.Int.Int
	}
	if ck.Text != nil {
		r.str = ck.Text
	}
	switch t.Kind {
	case ir.StructK:
		r.children = newFieldRules(t.Struct.Fields)
	case ir.Slice:
		if ck.Array != nil {
			r.array = ck.Array.Array
		}
		r.elem = valueRule(t.Elem, ck.Elem)
	}
	return r
}

// typeError reports a JSON member of the wrong JSON type.
type typeError struct{ Want string }

func (e *typeError) Error() string { return "must be a JSON " + e.Want }

// urlError reports a value of format url that is not an absolute URL.
type urlError struct{}

func (*urlError) Error() string { return "not an absolute URL" }

// checkString checks one string value against the rule.
func (r *fieldRule) checkString(c *validate.Collector, path, v string) {
	c.String(path, v, r.str)
	if r.isURL && v != "" {
		if u, err := url.Parse(v); err != nil || !u.IsAbs() || u.Host == "" {
			c.Add(path, &urlError{})
		}
	}
}

// checkStrings validates values given as strings (path and query parameters).
func checkStrings(c *validate.Collector, rules []*fieldRule, get func(name string) string) {
	for _, r := range rules {
		name := r.field.Name
		v := get(name)
		switch {
		case r.str != nil:
			r.checkString(c, name, v)
		case r.integer != nil:
			if v == "" {
				c.Int(name, 0, false, r.integer)
				continue
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				c.Add(name, &typeError{Want: "integer"})
				continue
			}
			c.Int(name, n, true, r.integer)
		}
	}
}

// checkJSON validates the members of a JSON object. Members the spec does not
// name are ignored, as WeChat Pay does.
func checkJSON(c *validate.Collector, prefix string, rules []*fieldRule, obj map[string]json.RawMessage) {
	for _, r := range rules {
		path := r.field.Name
		if prefix != "" {
			path = prefix + "." + path
		}
		raw, ok := obj[r.field.Name]
		present := ok && !bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
		switch r.field.Type {
		case "string":
			var v string
			if present && json.Unmarshal(raw, &v) != nil {
				c.Add(path, &typeError{Want: "string"})
				continue
			}
			r.checkString(c, path, v)
		case "integer":
			var n int64
			if present && json.Unmarshal(raw, &n) != nil {
				c.Add(path, &typeError{Want: "integer"})
				continue
			}
			c.Int(path, n, present, r.integer)
		case "boolean":
			var b bool
			if present && json.Unmarshal(raw, &b) != nil {
				c.Add(path, &typeError{Want: "boolean"})
			} else if !present && r.field.Required {
				c.Add(path, &validate.RequiredError{})
			}
		case "object":
			if !present {
				if r.field.Required {
					c.Add(path, &validate.RequiredError{})
				}
				continue
			}
			var inner map[string]json.RawMessage
			if json.Unmarshal(raw, &inner) != nil {
				c.Add(path, &typeError{Want: "object"})
				continue
			}
			checkJSON(c, path, r.children, inner)
		case "array":
			var items []json.RawMessage
			if present && json.Unmarshal(raw, &items) != nil {
				c.Add(path, &typeError{Want: "array"})
				continue
			}
			rule := r.array
			if rule == nil {
				rule = &validate.ArrayRule{}
			}
			c.Array(path, len(items), rule)
			for i, item := range items {
				r.elem.checkItem(c, validate.Index(path, i), item)
			}
		}
	}
}

// checkItem checks one array item: a scalar or an object.
func (r *fieldRule) checkItem(c *validate.Collector, path string, raw json.RawMessage) {
	switch {
	case r.str != nil:
		var v string
		if json.Unmarshal(raw, &v) != nil {
			c.Add(path, &typeError{Want: "string"})
			return
		}
		r.checkString(c, path, v)
	case r.integer != nil:
		var n int64
		if json.Unmarshal(raw, &n) != nil {
			c.Add(path, &typeError{Want: "integer"})
			return
		}
		c.Int(path, n, true, r.integer)
	case r.children != nil:
		var inner map[string]json.RawMessage
		if json.Unmarshal(raw, &inner) != nil {
			c.Add(path, &typeError{Want: "object"})
			return
		}
		checkJSON(c, path, r.children, inner)
	}
}

// encodeStrings encodes the string members of values in the spec's field
// order, leaving out empty ones, after checking them against the rules: the
// simulator never sends what the spec says WeChat Pay cannot send.
func encodeStrings(typeName string, rules []*fieldRule, values map[string]string) ([]byte, error) {
	var c validate.Collector
	var buf bytes.Buffer
	buf.WriteByte('{')
	n := 0
	for _, r := range rules {
		if r.str == nil {
			continue
		}
		v := values[r.field.Name]
		r.checkString(&c, r.field.Name, v)
		if v == "" {
			continue
		}
		if n > 0 {
			buf.WriteByte(',')
		}
		n++
		k, _ := json.Marshal(r.field.Name)
		val, _ := json.Marshal(v)
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(val)
	}
	buf.WriteByte('}')
	if err := c.Err(typeName); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// match reports whether the escaped request path matches the operation's
// template and returns the unescaped path parameters.
func (op *operation) match(escapedPath string) (map[string]string, bool) {
	parts := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	if len(parts) != len(op.segments) {
		return nil, false
	}
	params := map[string]string{}
	for i, seg := range op.segments {
		if seg.param == "" {
			if parts[i] != seg.literal {
				return nil, false
			}
			continue
		}
		v, err := url.PathUnescape(parts[i])
		if err != nil {
			return nil, false
		}
		params[seg.param] = v
	}
	return params, true
}

// callbackSpec is the callback of the authorization events.
type callbackSpec struct {
	cb        *spec.Callback
	plaintext []*fieldRule
	success   []int
	intervals []time.Duration
	then      time.Duration
	maxAge    time.Duration
	deadline  time.Duration
}

// findCallback returns the callback that carries eventType.
func findCallback(prog *ir.Program, eventType string) (*callbackSpec, error) {
	for _, pkg := range prog.Packages {
		for _, icb := range pkg.Callbacks {
			cb := icb.Spec
			if icb.Data == nil || !slices.ContainsFunc(cb.Events, func(e *spec.Event) bool { return e.Type == eventType }) {
				continue
			}
			return newCallbackSpec(icb)
		}
	}
	return nil, fmt.Errorf("sim: the spec has no callback carrying %s", eventType)
}

// newCallbackSpec builds the delivery rules of one callback.
func newCallbackSpec(icb *ir.Callback) (*callbackSpec, error) {
	cb := icb.Spec
	cs := &callbackSpec{cb: cb, deadline: 5 * time.Second}
	var err error
	cs.plaintext = newFieldRules(icb.Data.Fields)
	cs.success = cb.Ack.SuccessStatuses
	for _, iv := range cb.Retry.Intervals {
		d, err := time.ParseDuration(iv)
		if err != nil {
			return nil, fmt.Errorf("sim: callback %s: retry interval %q: %w", cb.ID, iv, err)
		}
		cs.intervals = append(cs.intervals, d)
	}
	for _, p := range []struct {
		s   string
		dst *time.Duration
	}{{cb.Retry.Then, &cs.then}, {cb.Retry.MaxAge, &cs.maxAge}, {cb.Ack.Deadline, &cs.deadline}} {
		if p.s == "" {
			continue
		}
		if *p.dst, err = time.ParseDuration(p.s); err != nil {
			return nil, fmt.Errorf("sim: callback %s: duration %q: %w", cb.ID, p.s, err)
		}
	}
	if len(cs.intervals) == 0 {
		return nil, fmt.Errorf("sim: callback %s has no retry intervals", cb.ID)
	}
	return cs, nil
}

// delay returns the delay before scheduled attempt k (0-based) and whether
// there is such an attempt.
func (cs *callbackSpec) delay(k int) (time.Duration, bool) {
	if k < len(cs.intervals) {
		return cs.intervals[k], true
	}
	return cs.then, cs.then > 0
}

// checkOneOf checks the callback's one-of groups on a plaintext.
func (cs *callbackSpec) checkOneOf(c *validate.Collector, values map[string]string) {
	for _, g := range cs.cb.OneOf {
		present := make([]bool, len(g.Fields))
		for i, name := range g.Fields {
			present[i] = values[name] != ""
		}
		c.OneOf(g.Fields, present)
	}
}
