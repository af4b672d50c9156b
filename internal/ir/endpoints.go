package ir

import (
	"fmt"
	"strings"

	"github.com/payscoregen/payscoregen/internal/naming"
	"github.com/payscoregen/payscoregen/internal/spec"
)

// Endpoint is one operation of a generated client.
type Endpoint struct {
	Spec     *spec.Endpoint
	Name     string // the Client method: ApplyPermissions
	Request  *Struct
	Response *Struct // nil for 204 endpoints
	Codes    []*Code
	CodeMap  *CodeMap
	OpVar    string // the apiclient.Operation variable
	// Path is the URL path: literals and path parameters.
	Path    []PathPart
	Query   []*Field
	HasBody bool
	// Form: a form-md5 endpoint (see Package.FormClient); SignField is the
	// request's sign field.
	Form      bool
	SignField *Field
}

// PathPart is a literal piece of a path or a parameter.
type PathPart struct {
	Literal string
	Param   *Field
}

func (pkg *Package) endpoint(e *spec.Endpoint) {
	op := e.Ident()
	ep := &Endpoint{Spec: e, Name: op, OpVar: "op" + op, Form: e.File.API != nil && e.File.API.Style == "form-md5"}
	doc := func(what string) []string {
		return append([]string{fmt.Sprintf("%s%s is the %s of %s (%s %s).", op, what, strings.ToLower(what), op, e.Method, e.Path)},
			paragraphs(e.Summary)...)
	}
	ep.Request = pkg.newStructFor(e.Pos, "endpoint "+e.ID+" request", op+"Request", doc("Request"), e.File)
	pkg.fill(ep.Request, e.Request, e.Rules, "request")
	pkg.addStruct(ep.Request)
	if e.SuccessStatus == 200 {
		ep.Response = pkg.newStructFor(e.Pos, "endpoint "+e.ID+" response", op+"Response", doc("Response"), e.File)
		pkg.fill(ep.Response, e.Response, nil, "response")
		pkg.addStruct(ep.Response)
	}
	ep.Codes = pkg.prog.endpointCodes(e)
	if !ep.Form {
		ep.CodeMap = pkg.codeMap(e, ep.Codes)
		pkg.claim(e.Pos, "endpoint "+e.ID, ep.OpVar)
	}
	for _, f := range ep.Request.Fields {
		switch f.Spec.In {
		case "query":
			ep.Query = append(ep.Query, f)
			if !f.Type.Flat() {
				pkg.problem(f.Spec.At("in"), "request field %s: a query parameter is a string, integer or boolean", f.Wire)
			}
		case "body":
			ep.HasBody = true
		}
	}
	ep.Path = pkg.pathParts(e, ep.Request)
	pkg.Endpoints = append(pkg.Endpoints, ep)
}

// pathParts splits the path into literals and parameters.
func (pkg *Package) pathParts(e *spec.Endpoint, req *Struct) []PathPart {
	var parts []PathPart
	rest := e.Path
	for {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 || j < i {
			break
		}
		if i > 0 {
			parts = append(parts, PathPart{Literal: rest[:i]})
		}
		name := rest[i+1 : j]
		f := req.FieldNamed(name)
		if f == nil {
			return nil // the loader reported it
		}
		if f.Type.Kind != String && f.Type.Kind != Enum {
			pkg.problem(f.Spec.Pos, "request field %s: a path parameter is a string", name)
		}
		parts = append(parts, PathPart{Param: f})
		rest = rest[j+1:]
	}
	if rest != "" {
		parts = append(parts, PathPart{Literal: rest})
	}
	return parts
}

// FormClient is the client of a package's form-md5 endpoints.
type FormClient struct {
	Endpoints []*Endpoint
	// Secrets are request fields the client fills from its constructor.
	Secrets []FormSecret
}

// FormSecret is a secret request field the client holds.
type FormSecret struct {
	Wire  string
	Param string // constructor parameter and Client field
}

// formClient plans the form-md5 client, checking what it can sign and send.
func (pkg *Package) formClient() {
	var form, other []*Endpoint
	for _, ep := range pkg.Endpoints {
		if ep.Form {
			form = append(form, ep)
		} else {
			other = append(other, ep)
		}
	}
	if len(form) == 0 {
		return
	}
	if len(other) > 0 {
		pkg.problem(form[0].Spec.Pos, "package %s mixes form-md5 endpoints with other API styles (%s); both would declare Client: put them in separate packages",
			pkg.Name, other[0].Spec.ID)
	}
	fc := &FormClient{Endpoints: form}
	seen := map[string]bool{}
	for _, ep := range form {
		e := ep.Spec
		if e.Method != "POST" || e.ContentType != "form" || e.SuccessStatus != 200 {
			pkg.problem(e.Pos, "endpoint %s: form-md5 endpoints are POST, content_type form, success_status 200", e.ID)
		}
		for _, f := range ep.Request.Fields {
			switch {
			case f.Spec.In != "body":
				pkg.problem(f.Spec.At("in"), "endpoint %s: request field %s: form-md5 fields are all in: body", e.ID, f.Wire)
			case f.Type.Kind != String && f.Type.Kind != Enum && f.Type.Kind != Int:
				pkg.problem(f.Spec.Pos, "endpoint %s: request field %s: only string and integer fields can be signed", e.ID, f.Wire)
			case f.Spec.Secret && f.Type.Kind != String:
				pkg.problem(f.Spec.Pos, "endpoint %s: secret field %s must be a string", e.ID, f.Wire)
			}
			if f.Wire == "sign" {
				if ep.SignField != nil {
					pkg.problem(f.Spec.Pos, "endpoint %s: the request has two sign fields", e.ID)
				}
				ep.SignField = f
			}
			if f.Spec.Secret && !seen[f.Wire] {
				seen[f.Wire] = true
				fc.Secrets = append(fc.Secrets, FormSecret{Wire: f.Wire, Param: naming.Unexported(f.Wire)})
			}
		}
		if ep.SignField == nil {
			pkg.problem(e.Pos, "endpoint %s: a form-md5 request needs a sign field", e.ID)
		}
		if ep.Response != nil {
			pkg.flat(ep.Response, e.Pos, "endpoint "+e.ID+" response")
		}
	}
	pkg.FormClient = fc
}

// flat marks s as decoded from flat data (form fields, a flattened JSON
// object), checking that every field can be.
func (pkg *Package) flat(s *Struct, pos spec.Pos, what string) {
	for _, f := range s.Fields {
		if !f.Type.Flat() {
			at := pos
			if f.Spec != nil {
				at = f.Spec.Pos
			}
			pkg.problem(at, "%s: %s: only string, integer and boolean fields can be read from flat data", what, f.Wire)
		}
	}
	for _, d := range pkg.FlatDecoders {
		if d == s {
			return
		}
	}
	pkg.FlatDecoders = append(pkg.FlatDecoders, s)
}
