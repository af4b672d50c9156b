package gen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/naming"
	"github.com/payscoregen/payscoregen/internal/spec"
)

// clientEmitter writes a Client on wechatpay-go's core.Client with one
// method per APIv3 endpoint.
type clientEmitter struct{}

func (clientEmitter) suffix() string { return "client" }

func (clientEmitter) emit(p *Package, g *jen.File) (bool, error) {
	var eps []*spec.Endpoint
	for _, e := range p.Endpoints {
		if e.File.API.Style == "wechatpay-v3" {
			eps = append(eps, e)
		}
	}
	if len(eps) == 0 {
		return false, nil
	}
	core := jen.Op("*").Qual(pkgCore, "Client")
	g.Comment("DefaultBaseURL is the WeChat Pay API origin the client calls unless WithBaseURL says otherwise.")
	g.Const().Id("DefaultBaseURL").Op("=").Lit(p.BaseURL())
	g.Line()
	g.Comment("Client calls the " + p.Name + " operations through wechatpay-go's core.Client, which signs")
	g.Comment("each request and verifies each response's signature. Every request is validated")
	g.Comment("against the documented limits first: an invalid request never leaves the process.")
	g.Type().Id("Client").Struct(
		jen.Id("core").Add(core),
		jen.Id("baseURL").String(),
	)
	g.Line()
	g.Comment("ClientOption configures a Client.")
	g.Type().Id("ClientOption").Func().Params(jen.Op("*").Id("Client"))
	g.Line()
	g.Comment("WithBaseURL sends requests to baseURL (an origin such as http://127.0.0.1:8080)")
	g.Comment("instead of DefaultBaseURL: a simulator, a test server or a forward proxy.")
	g.Func().Id("WithBaseURL").Params(jen.Id("baseURL").String()).Id("ClientOption").Block(
		jen.Return(jen.Func().Params(jen.Id("c").Op("*").Id("Client")).Block(
			jen.Id("c").Dot("baseURL").Op("=").Id("baseURL"),
		)),
	)
	g.Line()
	g.Comment("NewClient returns a Client that sends requests with c, built for example with")
	g.Comment("core.NewClient(ctx, option.WithWechatPayPublicKeyAuthCipher(...)).")
	g.Func().Id("NewClient").Params(jen.Id("c").Add(core), jen.Id("opts").Op("...").Id("ClientOption")).Op("*").Id("Client").Block(
		jen.Id("client").Op(":=").Op("&").Id("Client").Values(jen.Dict{
			jen.Id("core"):    jen.Id("c"),
			jen.Id("baseURL"): jen.Id("DefaultBaseURL"),
		}),
		jen.For(jen.List(jen.Id("_"), jen.Id("opt")).Op(":=").Range().Id("opts")).Block(jen.Id("opt").Call(jen.Id("client"))),
		jen.Return(jen.Id("client")),
	)
	g.Line()
	plan := p.types()
	maps := &codeMapSet{byKey: map[string]string{}}
	for _, e := range eps {
		maps.name(e, p.EndpointCodes(e))
	}
	maps.declare(g)
	for _, e := range eps {
		emitOperation(p, g, e, plan, maps)
	}
	return true, nil
}

// codeMapSet declares each distinct code lookup once: endpoints that share
// their error set share the map.
type codeMapSet struct {
	byKey map[string]string
	order []string
	codes map[string][]*spec.ErrorCode
	docs  map[string]string
}

func (m *codeMapSet) name(e *spec.Endpoint, codes []*spec.ErrorCode) string {
	var key []string
	for _, c := range codes {
		key = append(key, c.Code)
	}
	k := strings.Join(key, ",")
	if v, ok := m.byKey[k]; ok {
		return v
	}
	v, doc := "errorCodes"+e.Ident(), "the error codes documented for "+e.Ident()
	if len(e.ErrorSets) == 1 && len(e.ErrorCodes) == 0 {
		v, doc = "errorSet"+naming.Go(e.ErrorSets[0]), "the codes of the error set "+e.ErrorSets[0]
	}
	if m.codes == nil {
		m.codes, m.docs = map[string][]*spec.ErrorCode{}, map[string]string{}
	}
	m.byKey[k] = v
	m.order = append(m.order, v)
	m.codes[v], m.docs[v] = codes, doc
	return v
}

func (m *codeMapSet) declare(g *jen.File) {
	for _, v := range m.order {
		g.Commentf("%s are %s.", v, m.docs[v])
		g.Var().Id(v).Op("=").Map(jen.String()).Op("*").Qual(pkgAPIError, "Code").Values(jen.DictFunc(func(d jen.Dict) {
			for _, c := range m.codes[v] {
				d[jen.Lit(c.Code)] = jen.Id("Err" + c.Ident())
			}
		}))
		g.Line()
	}
}

func emitOperation(p *Package, g *jen.File, e *spec.Endpoint, plan *typePlan, codeMaps *codeMapSet) {
	op := e.Ident()
	codes := p.EndpointCodes(e)
	codesVar := codeMaps.name(e, codes)
	opVar := "op" + op
	g.Var().Id(opVar).Op("=").Op("&").Qual(pkgAPIClient, "Operation").Values(jen.Dict{
		jen.Id("Name"):          jen.Lit(p.Name + " " + op),
		jen.Id("Method"):        jen.Lit(e.Method),
		jen.Id("SuccessStatus"): jen.Lit(e.SuccessStatus),
		jen.Id("Codes"):         jen.Id(codesVar),
	})
	g.Line()

	// Doc comment: title, summary, provenance, errors.
	g.Commentf("%s %s (%s %s).", op, e.Title, e.Method, e.Path)
	g.Comment("")
	for _, l := range textLines(e.Summary) {
		g.Comment(l)
	}
	if e.AppliesTo != "" {
		g.Comment("适用对象: " + e.AppliesTo)
	}
	for _, n := range e.Notes {
		g.Comment("Note: " + n)
	}
	g.Comment(pageDoc(e.File))
	g.Comment("")
	if e.SuccessStatus == 204 {
		g.Comment("Success is 204 No Content: only the *core.APIResult is returned.")
	}
	var names []string
	for _, c := range codes {
		names = append(names, "Err"+c.Ident())
	}
	if len(names) > 0 {
		g.Comment("Documented errors (match with errors.Is): " + strings.Join(names, ", ") + ".")
	}

	req := plan.Requests[e]
	reqID := jen.Id("req")
	urlExpr := pathExpr(p, e, req)
	hasBody, hasQuery := false, false
	for _, f := range req.Fields {
		hasBody = hasBody || f.Spec.In == "body"
		hasQuery = hasQuery || f.Spec.In == "query"
	}
	var body []jen.Code
	body = append(body, jen.If(reqID.Clone().Op("==").Nil()).Block(
		jen.Comment("A nil request is an empty one: Validate then names every required field."),
		jen.Id("req").Op("=").New(jen.Id(req.Name)),
	))
	queryArg := jen.Nil()
	if hasQuery {
		body = append(body, jen.Id("query").Op(":=").Qual("net/url", "Values").Values())
		for _, f := range req.Fields {
			if f.Spec.In != "query" {
				continue
			}
			set := jen.Id("query").Dot("Set").Call(jen.Lit(f.Wire), jen.Id("req").Dot(f.Name))
			if f.Spec.Required {
				body = append(body, set)
			} else {
				body = append(body, jen.If(jen.Id("req").Dot(f.Name).Op("!=").Lit("")).Block(set))
			}
		}
		queryArg = jen.Id("query")
	}
	bodyArg := jen.Nil()
	if hasBody {
		bodyArg = jen.Id("req")
	}
	resp := plan.Responses[e]
	callArgs := func(out jen.Code) []jen.Code {
		return []jen.Code{jen.Id("ctx"), jen.Id("c").Dot("core"), jen.Id(opVar),
			jen.Qual(pkgAPIClient, "Join").Call(jen.Id("c").Dot("baseURL"), urlExpr), queryArg, jen.Id("req"), bodyArg, out}
	}
	params := jen.Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("req").Op("*").Id(req.Name))
	result := jen.Op("*").Qual(pkgCore, "APIResult")
	if resp == nil {
		body = append(body, jen.Return(jen.Qual(pkgAPIClient, "Call").Call(callArgs(jen.Nil())...)))
		g.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(op).Add(params).Params(result, jen.Error()).Block(body...)
	} else {
		body = append(body,
			jen.Id("resp").Op(":=").New(jen.Id(resp.Name)),
			jen.List(jen.Id("result"), jen.Err()).Op(":=").Qual(pkgAPIClient, "Call").Call(callArgs(jen.Id("resp"))...),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id("result"), jen.Err())),
			jen.Return(jen.Id("resp"), jen.Id("result"), jen.Nil()),
		)
		g.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(op).Add(params).Params(jen.Op("*").Id(resp.Name), result, jen.Error()).Block(body...)
	}
	g.Line()
}

// pathExpr builds the request path with escaped path parameters.
func pathExpr(p *Package, e *spec.Endpoint, req *goStruct) *jen.Statement {
	var parts []jen.Code
	rest := e.Path
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest, '}')
		if i > 0 {
			parts = append(parts, jen.Lit(rest[:i]))
		}
		name := rest[i+1 : j]
		var field *goField
		for _, f := range req.Fields {
			if f.Spec.Name == name {
				field = f
			}
		}
		if field == nil {
			panic(fmt.Sprintf("gen: %s: path parameter %s has no field (the spec check should have caught it)", e.ID, name))
		}
		parts = append(parts, jen.Qual("net/url", "PathEscape").Call(jen.Id("req").Dot(field.Name)))
		rest = rest[j+1:]
	}
	if rest != "" {
		parts = append(parts, jen.Lit(rest))
	}
	expr := jen.Add(parts[0])
	for _, part := range parts[1:] {
		expr = expr.Op("+").Add(part)
	}
	return expr
}
