package gen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/ir"
)

// clientEmitter writes a Client on wechatpay-go's core.Client with one
// method per APIv3 endpoint.
type clientEmitter struct{}

func (clientEmitter) suffix() string { return "client" }

func (clientEmitter) emit(p *ir.Package, g *jen.File) bool {
	var eps []*ir.Endpoint
	for _, e := range p.Endpoints {
		if !e.Form {
			eps = append(eps, e)
		}
	}
	if len(eps) == 0 || p.FormClient != nil {
		return false
	}
	core := jen.Op("*").Qual(pkgCore, "Client")
	doc(g, 0, "DefaultBaseURL is the WeChat Pay API origin the client calls unless WithBaseURL says otherwise.")
	g.Const().Id("DefaultBaseURL").Op("=").Lit(p.BaseURL)
	g.Line()
	doc(g, 0, "Client calls the "+p.Name+" operations through wechatpay-go's core.Client, which signs "+
		"each request and verifies each response's signature. Every request is validated "+
		"against the documented limits first: an invalid request never leaves the process.")
	g.Type().Id("Client").Struct(
		jen.Id("core").Add(core),
		jen.Id("baseURL").String(),
	)
	g.Line()
	doc(g, 0, "ClientOption configures a Client.")
	g.Type().Id("ClientOption").Func().Params(jen.Op("*").Id("Client"))
	g.Line()
	doc(g, 0, "WithBaseURL sends requests to baseURL (an origin such as http://127.0.0.1:8080) "+
		"instead of DefaultBaseURL: a simulator, a test server or a forward proxy.")
	g.Func().Id("WithBaseURL").Params(jen.Id("baseURL").String()).Id("ClientOption").Block(
		jen.Return(jen.Func().Params(jen.Id("c").Op("*").Id("Client")).Block(
			jen.Id("c").Dot("baseURL").Op("=").Id("baseURL"),
		)),
	)
	g.Line()
	doc(g, 0, "NewClient returns a Client that sends requests with c, built for example with "+
		"core.NewClient(ctx, option.WithWechatPayPublicKeyAuthCipher(...)).")
	g.Func().Id("NewClient").Params(jen.Id("c").Add(core), jen.Id("opts").Op("...").Id("ClientOption")).Op("*").Id("Client").Block(
		jen.Id("client").Op(":=").Op("&").Id("Client").Add(ordered(
			kv("core", jen.Id("c")),
			kv("baseURL", jen.Id("DefaultBaseURL")),
		)),
		jen.For(jen.List(jen.Id("_"), jen.Id("opt")).Op(":=").Range().Id("opts")).Block(jen.Id("opt").Call(jen.Id("client"))),
		jen.Return(jen.Id("client")),
	)
	g.Line()
	for _, m := range p.CodeMaps {
		doc(g, 0, fmt.Sprintf("%s are %s.", m.Name, m.Doc))
		var pairs []jen.Code
		for _, c := range m.Codes {
			pairs = append(pairs, jen.Lit(c.Spec.Code).Op(":").Add(codeRef(c)))
		}
		g.Var().Id(m.Name).Op("=").Map(jen.String()).Op("*").Qual(pkgAPIError, "Code").Add(ordered(pairs...))
		g.Line()
	}
	for _, e := range eps {
		emitOperation(p, g, e)
	}
	return true
}

// endpointDoc is the doc of a client method: title, summary, notes, page.
func endpointDoc(e *ir.Endpoint) []string {
	s := e.Spec
	paras := []string{fmt.Sprintf("%s %s (%s %s).", e.Name, s.Title, s.Method, s.Path)}
	paras = append(paras, ir.Lines(s.Summary)...)
	if s.AppliesTo != "" {
		paras = append(paras, "适用对象: "+s.AppliesTo)
	}
	if s.Source != "" {
		paras = append(paras, "Source: "+strings.Join(ir.Lines(s.Source), " "))
	}
	for _, n := range s.Notes {
		paras = append(paras, "Note: "+strings.Join(ir.Lines(n), " "))
	}
	return append(paras, pageLine(s.File))
}

func emitOperation(p *ir.Package, g *jen.File, e *ir.Endpoint) {
	s := e.Spec
	g.Var().Id(e.OpVar).Op("=").Op("&").Qual(pkgAPIClient, "Operation").Add(ordered(
		kv("Name", jen.Lit(p.Name+" "+e.Name)),
		kv("Method", jen.Lit(s.Method)),
		kv("SuccessStatus", jen.Lit(s.SuccessStatus)),
		kv("Codes", jen.Id(e.CodeMap.Name)),
	))
	g.Line()

	paras := endpointDoc(e)
	if s.SuccessStatus == 204 {
		paras = append(paras, "Success is 204 No Content: only the *core.APIResult is returned.")
	}
	var names []string
	for _, c := range e.Codes {
		if c.Pkg != p {
			names = append(names, c.Pkg.Name+"."+c.Name)
		} else {
			names = append(names, c.Name)
		}
	}
	if len(names) > 0 {
		paras = append(paras, "Documented errors (match with errors.Is): "+strings.Join(names, ", ")+".")
	}
	doc(g, 0, paras...)

	req := e.Request
	var body []jen.Code
	body = append(body, jen.If(jen.Id("req").Op("==").Nil()).Block(
		jen.Comment("A nil request is an empty one: Validate then names every required field."),
		jen.Id("req").Op("=").New(jen.Id(req.Name)),
	))
	queryArg := jen.Nil()
	if len(e.Query) > 0 {
		body = append(body, jen.Id("query").Op(":=").Qual("net/url", "Values").Values())
		for _, f := range e.Query {
			val := queryText(f, jen.Id("req").Dot(f.Name))
			set := jen.Id("query").Dot("Set").Call(jen.Lit(f.Wire), val)
			if f.Required() || f.Type.Kind == ir.Bool {
				body = append(body, set)
			} else {
				body = append(body, jen.If(present(f, jen.Id("req").Dot(f.Name))).Block(set))
			}
		}
		queryArg = jen.Id("query")
	}
	bodyArg := jen.Nil()
	if e.HasBody {
		bodyArg = jen.Id("req")
	}
	callArgs := func(out jen.Code) []jen.Code {
		return []jen.Code{jen.Id("ctx"), jen.Id("c").Dot("core"), jen.Id(e.OpVar),
			jen.Qual(pkgAPIClient, "Join").Call(jen.Id("c").Dot("baseURL"), pathExpr(e)), queryArg, jen.Id("req"), bodyArg, out}
	}
	params := jen.Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("req").Op("*").Id(req.Name))
	result := jen.Op("*").Qual(pkgCore, "APIResult")
	if e.Response == nil {
		body = append(body, jen.Return(jen.Qual(pkgAPIClient, "Call").Call(callArgs(jen.Nil())...)))
		g.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(e.Name).Add(params).Params(result, jen.Error()).Block(body...)
	} else {
		resp := e.Response.Name
		body = append(body,
			jen.Id("resp").Op(":=").New(jen.Id(resp)),
			jen.List(jen.Id("result"), jen.Err()).Op(":=").Qual(pkgAPIClient, "Call").Call(callArgs(jen.Id("resp"))...),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id("result"), jen.Err())),
			jen.Return(jen.Id("resp"), jen.Id("result"), jen.Nil()),
		)
		g.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(e.Name).Add(params).Params(jen.Op("*").Id(resp), result, jen.Error()).Block(body...)
	}
	g.Line()
}

// queryText is the text of a query parameter.
func queryText(f *ir.Field, v *jen.Statement) jen.Code {
	switch f.Type.Kind {
	case ir.Enum:
		return jen.String().Parens(v)
	case ir.Int:
		return jen.Qual("strconv", "FormatInt").Call(v, jen.Lit(10))
	case ir.Bool:
		return jen.Qual("strconv", "FormatBool").Call(v)
	}
	return v
}

// pathExpr builds the request path with escaped path parameters.
func pathExpr(e *ir.Endpoint) *jen.Statement {
	var expr *jen.Statement
	for _, part := range e.Path {
		var code jen.Code = jen.Lit(part.Literal)
		if part.Param != nil {
			v := jen.Id("req").Dot(part.Param.Name)
			if part.Param.Type.Kind == ir.Enum {
				v = jen.String().Parens(v)
			}
			code = jen.Qual("net/url", "PathEscape").Call(v)
		}
		if expr == nil {
			expr = jen.Add(code)
		} else {
			expr = expr.Op("+").Add(code)
		}
	}
	if expr == nil {
		return jen.Lit(e.Spec.Path)
	}
	return expr
}
