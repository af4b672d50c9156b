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
