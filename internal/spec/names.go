package spec

import (
	"fmt"

	"github.com/payscoregen/payscoregen/internal/naming"
)

// Ident is the Go name of the field: go_name, or derived from the wire name.
func (f *Field) Ident() string { return identOr(f.GoName, f.Name) }

// Ident is the Go name of the enum value.
func (e *EnumValue) Ident() string { return identOr(e.GoName, e.Value) }

// Ident is the Go name of the endpoint's operation.
func (e *Endpoint) Ident() string { return identOr(e.GoName, e.ID) }

// Ident is the Go name of the error code's sentinel, without the Err prefix.
func (c *ErrorCode) Ident() string { return identOr(c.GoName, c.Code) }

// Ident is the Go name of the callback.
func (c *Callback) Ident() string { return identOr(c.GoName, c.ID) }

// Ident is the Go name of the event type (PAYSCORE.USER_OPEN_SERVICE -> UserOpenService).
func (e *Event) Ident() string { return identOr(e.GoName, e.Type) }

// Ident is the Go name of the named type.
func (t *TypeDef) Ident() string { return identOr(t.GoName, t.ID) }

// Ident is the Go name of the jump.
func (j *Jump) Ident() string { return identOr(j.GoName, j.ID) }

func identOr(override, name string) string {
	if override != "" {
		return override
	}
	return naming.Go(name)
}

// FieldNamed returns the field of the list with the wire name or an alias, or nil.
func FieldNamed(fields []*Field, name string) *Field {
	for _, f := range fields {
		if f.Name == name {
			return f
		}
		for _, a := range f.Aliases {
			if a == name {
				return f
			}
		}
	}
	return nil
}

// Summary counts what the spec holds, for the CLI.
func (s *Spec) Summary() string {
	var eps, cbs, jumps, codes, errata, types int
	for _, f := range s.Files {
		types += len(f.Types)
		eps += len(f.Endpoints)
		cbs += len(f.Callbacks)
		jumps += len(f.Jumps)
		codes += len(f.Errors)
		errata += len(f.Errata)
	}
	return fmt.Sprintf("%d endpoints, %d callbacks, %d jumps, %d types, %d error codes, %d errata", eps, cbs, jumps, types, codes, errata)
}

// WalkFields calls fn for every field of the file, nested ones included,
// with a path naming it (endpoint create_order request.post_payments[]).
func WalkFields(f *File, fn func(where string, fld *Field)) {
	var walk func(where string, list []*Field)
	var schema func(where string, s *Schema)
	walk = func(where string, list []*Field) {
		for _, fld := range list {
			p := where + "." + fld.Name
			fn(p, fld)
			schema(p, &fld.Schema)
		}
	}
	schema = func(where string, s *Schema) {
		walk(where, s.Fields)
		if s.Items != nil {
			schema(where+"[]", &s.Items.Schema)
		}
	}
	for _, e := range f.Endpoints {
		walk("endpoint "+e.ID+" request", e.Request)
		walk("endpoint "+e.ID+" response", e.Response)
	}
	for _, cb := range f.Callbacks {
		walk("callback "+cb.ID+" envelope", cb.Envelope)
		walk("callback "+cb.ID+" plaintext", cb.Plaintext)
		for _, ev := range cb.Events {
			walk("callback "+cb.ID+" event "+ev.Type, ev.Plaintext)
		}
	}
	for _, j := range f.Jumps {
		walk("jump "+j.ID+" params", j.Params)
		walk("jump "+j.ID+" data", j.Data)
		if j.Returns != nil {
			walk("jump "+j.ID+" returns", j.Returns.Fields)
		}
	}
	for _, t := range f.Types {
		walk("type "+t.ID, t.Fields)
	}
}
