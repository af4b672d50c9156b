package gen

import (
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/ir"
)

// formClientEmitter writes the client of form-encoded, MD5-signed
// endpoints (小微聚付): a Client holding the secrets the requests carry and
// the key that signs them, and one method per endpoint.
type formClientEmitter struct{}

func (formClientEmitter) suffix() string { return "formclient" }

func (formClientEmitter) emit(p *ir.Package, file *jen.File) bool {
	g := &docFile{File: file}
	fc := p.FormClient
	if fc == nil {
		return false
	}
	secrets := fc.Secrets
	g.Comment("DefaultBaseURL is the API origin the client calls unless WithBaseURL says otherwise.")
	g.Const().Id("DefaultBaseURL").Op("=").Lit(p.BaseURL)
	g.Line()
	g.Commentf("Client calls the %s form-encoded, MD5-signed API. Every request is signed", p.Name)
	g.Comment("and validated before it is sent: an invalid request never leaves the process.")
	g.Comment("A response that carries a sign field is verified (see WithoutResponseSignCheck).")
	g.Type().Id("Client").StructFunc(func(st *jen.Group) {
		for _, s := range secrets {
			st.Id(s.Param).Qual(pkgJumpSign, "Secret")
		}
		st.Id("caller").Qual(pkgFormMD5, "Caller")
	})
	g.Line()
	g.Comment("ClientOption configures a Client.")
	g.Comment("Format prints the client without its keys, for every verb (%v, %+v, %#v, %s): fmt would")
	g.Comment("print the unexported key fields raw.")
	g.Comment("Value receivers, so a Client value prints redacted too.")
	g.Func().Params(jen.Id("c").Id("Client")).Id("Format").Params(jen.Id("f").Qual("fmt", "State"), jen.Id("_").Rune()).Block(
		jen.Qual(pkgFormMD5, "FormatRedacted").Call(jen.Id("f"), jen.Lit(p.Name+".Client"), jen.Id("c").Dot("caller").Dot("BaseURL")),
	)
	g.Line()
	g.Comment("String returns the client's description without its keys.")
	g.Func().Params(jen.Id("c").Id("Client")).Id("String").Params().String().Block(
		jen.Return(jen.Qual("fmt", "Sprint").Call(jen.Id("c"))),
	)
	g.Line()
	g.Comment("GoString returns the client's description without its keys (%#v).")
	g.Func().Params(jen.Id("c").Id("Client")).Id("GoString").Params().String().Block(
		jen.Return(jen.Id("c").Dot("String").Call()),
	)
	g.Line()
	g.Type().Id("ClientOption").Func().Params(jen.Op("*").Id("Client"))
	g.Line()
	option := func(name string, doc []string, params []jen.Code, body ...jen.Code) {
		for _, l := range doc {
			g.Comment(l)
		}
		g.Func().Id(name).Params(params...).Id("ClientOption").Block(
			jen.Return(jen.Func().Params(jen.Id("c").Op("*").Id("Client")).Block(body...)),
		)
		g.Line()
	}
	option("WithBaseURL", []string{
		"WithBaseURL sends requests to baseURL (an origin such as http://127.0.0.1:8080)",
		"instead of DefaultBaseURL: a simulator, a test server or a forward proxy.",
	}, []jen.Code{jen.Id("baseURL").String()}, jen.Id("c").Dot("caller").Dot("BaseURL").Op("=").Id("baseURL"))
	option("WithHTTPClient", []string{
		"WithHTTPClient sends requests with hc (nil keeps the default, a client with",
		"formmd5.DefaultTimeout).",
	}, []jen.Code{jen.Id("hc").Op("*").Qual("net/http", "Client")}, jen.Id("c").Dot("caller").Dot("HTTPClient").Op("=").Id("hc"))
	option("WithoutResponseSignCheck", []string{
		"WithoutResponseSignCheck accepts responses whose sign field does not verify. The",
		"response format is not documented; use it only if the provider signs responses",
		"with another rule.",
	}, nil, jen.Id("c").Dot("caller").Dot("SkipResponseSign").Op("=").True())

	var params []jen.Code
	var names []string
	var pairs []jen.Code
	for _, s := range secrets {
		params = append(params, jen.Id(s.Param).Qual(pkgJumpSign, "Secret"))
		names = append(names, s.Param)
		pairs = append(pairs, kv(s.Param, jen.Id(s.Param)))
	}
	pairs = append(pairs, kv("caller", jen.Qual(pkgFormMD5, "Caller").Add(ordered(
		kv("BaseURL", jen.Id("DefaultBaseURL")),
		kv("Key", jen.Id("merchantKey")),
		kv("Algorithm", jen.Qual(pkgJumpSign, "MD5Algo")),
	))))
	params = append(params, jen.Id("merchantKey").Qual(pkgJumpSign, "Secret"), jen.Id("opts").Op("...").Id("ClientOption"))
	g.Comment("NewClient returns a Client.")
	g.Comment("")
	for _, s := range secrets {
		g.Commentf("%s is sent as the %s form field.", s.Param, s.Wire)
	}
	g.Comment("merchantKey signs each request: MD5 over the non-empty fields, ASCII-sorted raw k=v")
	g.Comment("pairs joined by &, then &key=merchantKey, uppercase hex (the pay extraData rule), and")
	g.Comment("verifies signed responses. The doc does not say which secret signs the query; if it")
	if len(names) > 0 {
		g.Commentf("is %s, pass it twice. Keys are never put into errors or logs.", strings.Join(names, " or "))
	} else {
		g.Comment("differs, pass the one the provider gave you. Keys are never put into errors or logs.")
	}
	g.Func().Id("NewClient").Params(params...).Op("*").Id("Client").Block(
		jen.Id("c").Op(":=").Op("&").Id("Client").Add(ordered(pairs...)),
		jen.For(jen.List(jen.Id("_"), jen.Id("opt")).Op(":=").Range().Id("opts")).Block(jen.Id("opt").Call(jen.Id("c"))),
		jen.Return(jen.Id("c")),
	)
	g.Line()
	for _, e := range fc.Endpoints {
		emitFormOperation(p, g, e, secrets)
	}
	return true
}

func emitFormOperation(p *ir.Package, g *docFile, ep *ir.Endpoint, secrets []ir.FormSecret) {
	e := ep.Spec
	op := ep.Name
	opName := p.Name + " " + op
	req, resp := ep.Request, ep.Response
	opErr := func(err jen.Code) jen.Code {
		return jen.Op("&").Qual(pkgAPIError, "OperationError").Values(kv("Operation", jen.Lit(opName)), kv("Err", err))
	}

	g.Commentf("%s %s (%s %s).", op, e.Title, e.Method, e.Path)
	g.Comment("")
	for _, l := range ir.Lines(e.Summary) {
		g.Comment(l)
	}
	if e.Source != "" {
		g.Comment("Source: " + strings.Join(ir.Lines(e.Source), " "))
	}
	for _, n := range e.Notes {
		g.Comment("Note: " + strings.Join(ir.Lines(n), " "))
	}
	g.Comment(pageLine(e.File))
	g.Comment("")
	var filled []string
	for _, s := range secrets {
		filled = append(filled, s.Wire)
	}
	filled = append(filled, "sign")
	g.Commentf("It fills %s from the client, validates the request, POSTs it as a form", strings.Join(filled, " and "))
	g.Comment("and decodes the JSON response (unknown members are ignored). Every error is an")
	g.Commentf("*apierror.OperationError naming %q; a status other than 200 is a", opName)
	g.Comment("*formmd5.StatusError. Neither carries a key.")

	r := jen.Id("r")
	body := []jen.Code{
		jen.If(jen.Id("req").Op("==").Nil()).Block(jen.Id("req").Op("=").New(jen.Id(req.Name))),
		r.Clone().Op(":=").Op("*").Id("req"),
	}
	for _, s := range secrets {
		for _, f := range req.Fields {
			if f.Wire == s.Wire {
				body = append(body, r.Clone().Dot(f.Name).Op("=").String().Parens(jen.Id("c").Dot(s.Param)))
			}
		}
	}
	signField := ep.SignField
	body = append(body,
		jen.List(jen.Id("sign"), jen.Err()).Op(":=").Id("c").Dot("caller").Dot("Sign").Call(r.Clone().Dot("formValues").Call()),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), opErr(jen.Err()))),
		r.Clone().Dot(signField.Name).Op("=").Id("sign"),
		jen.If(jen.Err().Op(":=").Add(r.Clone()).Dot("Validate").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), opErr(jen.Err()))),
		jen.List(jen.Id("m"), jen.Err()).Op(":=").Id("c").Dot("caller").Dot("Post").Call(
			jen.Id("ctx"), jen.Lit(opName), jen.Lit(e.Path), r.Clone().Dot("formValues").Call()),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.List(jen.Id("resp"), jen.Err()).Op(":=").Id("decode"+resp.Name).Call(jen.Id("m")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), opErr(jen.Err()))),
		jen.Return(jen.Id("resp"), jen.Nil()),
	)
	g.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(op).Params(
		jen.Id("ctx").Qual("context", "Context"), jen.Id("req").Op("*").Id(req.Name),
	).Params(jen.Op("*").Id(resp.Name), jen.Error()).Block(body...)
	g.Line()

	emitValues(g.File, req, "formValues", "formValues returns the request's form fields by wire name (integers in decimal).")
	emitDecode(g.File, resp)
}
