package gen

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/ir"
)

// jumpsEmitter writes, for every front-end jump: its constants (appId, path,
// businessType, version gates, return scene), the business data and
// parameter structs, a builder that fills, signs and validates them, a
// signature check for signed jumps, and a parser of the return data.
type jumpsEmitter struct{}

func (jumpsEmitter) suffix() string { return "jumps" }

// jumpPlan renders one jump of the IR.
type jumpPlan struct{ *ir.Jump }

func (jumpsEmitter) emit(p *ir.Package, file *jen.File) bool {
	g := &docFile{File: file}
	if len(p.Jumps) == 0 {
		return false
	}
	for _, j := range p.Jumps {
		jp := &jumpPlan{j}
		jp.emitConsts(g)
		if jp.DeclareData {
			declare(g.File, jp.Data)
			emitValues(g.File, jp.Data, "Values", "Values returns the fields of r by wire name, integers in decimal (0 as empty). "+
				"Empty values are neither signed nor put into a query string.")
			if jp.Signed {
				jp.emitSignature(g)
				jp.emitVerifyData(g)
			}
		}
		declare(g.File, jp.Params)
		jp.emitBuilder(p, g)
		if jp.Signed {
			jp.emitVerifyParams(g)
		}
		if jp.DeclareBack {
			declare(g.File, jp.Back)
			jp.emitParseReturn(p, g)
			emitDecode(g.File, jp.Back)
		}
	}
	return true
}

func (jp *jumpPlan) emitConsts(g *docFile) {
	j := jp.Spec
	id := j.Ident()
	g.Commentf("Constants of the %s jump (%s, %s), from the spec.", id, j.Title, j.Call)
	g.Const().DefsFunc(func(grp *jen.Group) {
		d := &docGroup{Group: grp}
		constDoc := func(f *ir.Field, what string) {
			d.Commentf("%s%s is %s (%s).", id, f.Name, what, f.Wire)
			for _, l := range ir.Lines(f.Spec.Description) {
				d.Comment(l)
			}
		}
		for _, f := range jp.Params.Fields {
			if name, ok := jp.Consts[f]; ok {
				constDoc(f, "the fixed "+f.Wire+" parameter")
				d.Id(name).Op("=").Lit(f.Spec.Const)
			}
			if name, ok := jp.Defaults[f]; ok {
				d.Commentf("%s is the default %s: the doc's example %s, compacted.", name, f.Wire, f.Spec.Example)
				for _, l := range ir.Lines(f.Spec.Description) {
					d.Comment(l)
				}
				d.Id(name).Op("=").Lit(jp.DefaultValues[f])
			}
		}
		for _, f := range jp.Data.Fields {
			if name, ok := jp.Consts[f]; ok {
				constDoc(f, "the fixed value of the data field")
				d.Id(name).Op("=").Lit(f.Spec.Const)
			}
		}
		if r := j.Requires; r != nil {
			gate := func(suffix, what, v string) {
				if v != "" {
					d.Commentf("%s%s is the lowest %s that supports this jump.", id, suffix, what)
					d.Id(id + suffix).Op("=").Lit(v)
				}
			}
			gate("MinBaseLibrary", "mini-program base library (SDKVersion)", r.BaseLibrary)
			gate("MinWeChat", "WeChat version", r.WeChat)
			gate("MinOpenSDKAndroid", "Android OpenSDK version", r.OpenSDKAndroid)
			gate("MinOpenSDKIOS", "iOS OpenSDK version", r.OpenSDKIOS)
			gate("MinJSSDK", "JSSDK (jweixin) version", r.JSSDK)
			d.Commentf("%sCountsTowardJumpLimit says whether the call counts toward the mini program's", id)
			d.Comment("limit of target mini programs.")
			d.Id(id + "CountsTowardJumpLimit").Op("=").Lit(r.JumpLimit)
		}
		if ret := j.Returns; ret != nil && ret.Scene != 0 {
			d.Commentf("%sReturnScene is the App.onShow scene value of a return from the target.", id)
			d.Id(id + "ReturnScene").Op("=").Lit(ret.Scene)
			if ret.ReferrerAppID != "" {
				d.Commentf("%sReferrerAppID is referrerInfo.appId on that return.", id)
				d.Id(id + "ReferrerAppID").Op("=").Lit(ret.ReferrerAppID)
			}
		}
	})
	g.Line()
}

func algWords(alg string) string {
	if alg == "MD5Algo" {
		return "MD5"
	}
	return "HMAC-SHA256"
}

// keyDoc explains the key parameter of signed builders and checks.
func (jp *jumpPlan) keyDoc() []string {
	if jp.KeyParam == "apiV2Key" {
		return []string{
			"apiV2Key is the merchant's APIv2 key, as WxJava signs these jumps; some SDKs use",
			"the APIv3 key instead (the doc page does not say). It is never put into an error.",
		}
	}
	return []string{
		"merchantKey is the merchant's secret (通信密钥) at the provider. It is never put",
		"into an error.",
	}
}

// sumFunc is the jumpsign function that finishes a message for the
// jump's algorithm, and the length of its hex result.
func (jp *jumpPlan) sumFunc() (string, int) {
	if jp.Alg == "MD5Algo" {
		return "SumMD5", 32
	}
	return "SumHMACSHA256", 64
}

// emitSignature writes the data's signature method: the signed field names
// are known here, so the pairs are appended pre-sorted into one stack
// buffer and hashed in place (jumpsign.Begin), without a map or a sort.
func (jp *jumpPlan) emitSignature(g *docFile) {
	s := jp.Data
	fields := make([]*ir.Field, 0, len(s.Fields))
	for _, f := range s.Fields {
		if f != jp.Sign {
			fields = append(fields, f)
		}
	}
	sort.Slice(fields, func(i, k int) bool { return fields[i].Wire < fields[k].Wire })
	sum, n := jp.sumFunc()
	m := jen.Id("m")
	body := []jen.Code{
		jen.Var().Id("buf").Index(jen.Qual(pkgJumpSign, "BufferSize")).Byte(),
		m.Clone().Op(":=").Qual(pkgJumpSign, "Begin").Call(jen.Id("buf").Index(jen.Empty(), jen.Lit(0))),
	}
	for _, f := range fields {
		v := jen.Id("r").Dot(f.Name)
		switch f.Type.Kind {
		case ir.Int:
			body = append(body, m.Clone().Op("=").Qual(pkgJumpSign, "AppendInt").Call(m.Clone(), jen.Lit(f.Wire), v))
		case ir.Enum:
			body = append(body, m.Clone().Op("=").Qual(pkgJumpSign, "Append").Call(m.Clone(), jen.Lit(f.Wire), jen.String().Parens(v)))
		default:
			body = append(body, m.Clone().Op("=").Qual(pkgJumpSign, "Append").Call(m.Clone(), jen.Lit(f.Wire), v))
		}
	}
	body = append(body, jen.Return(jen.Qual(pkgJumpSign, sum).Call(m.Clone(), jen.Id("key"))))
	g.Commentf("signature is the %s signature of r's non-empty fields except %s under key,", algWords(jp.Alg), jp.Sign.Wire)
	g.Comment("in uppercase hex: the k=v pairs in ASCII key order, appended into one buffer.")
	g.Func().Params(jen.Id("r").Op("*").Id(s.Name)).Id("signature").Params(jen.Id("key").Qual(pkgJumpSign, "Secret")).
		Index(jen.Lit(n)).Byte().Block(body...)
	g.Line()
}

// emitVerifyData writes the data's VerifySign, once per data type.
func (jp *jumpPlan) emitVerifyData(g *docFile) {
	s := jp.Data
	key := jen.Id(jp.KeyParam)
	g.Commentf("VerifySign reports whether r.%s is the %s signature of the other non-empty", jp.Sign.Name, algWords(jp.Alg))
	g.Comment("fields under the key, in either hex case, comparing in constant time. An empty key")
	g.Comment("gives false.")
	g.Comment("")
	for _, l := range jp.keyDoc() {
		g.Comment(l)
	}
	g.Func().Params(jen.Id("r").Op("*").Id(s.Name)).Id("VerifySign").Params(key.Clone().Qual(pkgJumpSign, "Secret")).Bool().Block(
		jen.If(key.Clone().Op("==").Lit("")).Block(jen.Return(jen.False())),
		jen.Id("sum").Op(":=").Id("r").Dot("signature").Call(key.Clone()),
		jen.Return(jen.Qual(pkgJumpSign, "EqualHex").Call(jen.Id("sum").Index(jen.Empty(), jen.Empty()), jen.Id("r").Dot(jp.Sign.Name))),
	)
	g.Line()
}

// emitVerifyParams writes VerifySign on a query-string jump's parameters.
func (jp *jumpPlan) emitVerifyParams(g *docFile) {
	key := jen.Id(jp.KeyParam)
	if jp.Spec.Carrier == "query_string" {
		g.Commentf("VerifySign reports whether p.%s carries a valid %s signature under the key", jp.Carrier.Name, algWords(jp.Alg))
		g.Comment("(jumps.VerifyQuery: decoded values except sign, constant-time comparison).")
		g.Func().Params(jen.Id("p").Op("*").Id(jp.Params.Name)).Id("VerifySign").Params(key.Clone().Qual(pkgJumpSign, "Secret")).Bool().Block(
			jen.Return(jen.Qual(pkgJumps, "VerifyQuery").Call(jen.Qual(pkgJumpSign, jp.Alg), jen.Id("p").Dot(jp.Carrier.Name), key.Clone())),
		)
		g.Line()
	}
}

func (jp *jumpPlan) emitBuilder(p *ir.Package, g *docFile) {
	j := jp.Spec
	name := "New" + j.Ident()
	data := jen.Id("data")
	wrap := func(err jen.Code) jen.Code {
		return jen.Qual("fmt", "Errorf").Call(jen.Lit(p.Name+"."+name+": %w"), err)
	}

	// Doc comment.
	g.Commentf("%s builds the parameters of %s for the %s jump (%s).", name, j.Call, j.Title, j.Platform)
	g.Comment("")
	for _, l := range ir.Lines(j.Summary) {
		g.Comment(l)
	}
	if j.Source != "" {
		g.Comment("Source: " + strings.Join(ir.Lines(j.Source), " "))
	}
	g.Comment(pageLine(j.File))
	g.Comment("")
	var filled []string
	for _, f := range []*ir.Field{jp.Timestamp, jp.Nonce, jp.SignType} {
		if f != nil {
			filled = append(filled, f.Wire)
		}
	}
	if jp.Signed {
		what := "It"
		if len(filled) > 0 {
			what = fmt.Sprintf("It fills %s (replacing what data holds),", strings.Join(filled, ", "))
			g.Comment(what)
			what = "then"
		}
		g.Commentf("%s signs the non-empty data fields with %s over the ASCII-sorted k=v pairs", what, algWords(jp.Alg))
		g.Comment("plus &key=KEY (jumpsign), and validates every documented limit, lengths in")
		g.Comment("characters. Options inject the clock and the nonce (jumps.WithClock, jumps.WithNonce).")
		g.Comment("")
		for _, l := range jp.keyDoc() {
			g.Comment(l)
		}
	} else {
		g.Comment("It fills the fixed parameters and validates every documented limit (lengths in")
		g.Comment("characters); the data is not signed.")
	}
	if j.Carrier == "query_string" {
		g.Commentf("The data travels URL-encoded in %s, in the doc's field order.", j.CarrierField)
	}
	if r := j.Requires; r != nil {
		var gates []string
		for _, gate := range [][2]string{{"base library", r.BaseLibrary}, {"WeChat", r.WeChat}, {"OpenSDK Android", r.OpenSDKAndroid}, {"OpenSDK iOS", r.OpenSDKIOS}, {"JSSDK", r.JSSDK}} {
			if gate[1] != "" {
				gates = append(gates, gate[0]+" >= "+gate[1])
			}
		}
		if len(gates) > 0 {
			g.Comment("Requires " + strings.Join(gates, ", ") + ".")
		}
	}
	for _, n := range j.Notes {
		for i, l := range ir.Lines(n) {
			if i == 0 {
				l = "Note: " + l
			}
			g.Comment(l)
		}
	}

	params := []jen.Code{data.Clone().Id(jp.Data.Name)}
	if jp.Signed {
		params = append(params, jen.Id(jp.KeyParam).Qual(pkgJumpSign, "Secret"), jen.Id("opts").Op("...").Qual(pkgJumps, "Option"))
	}
	var body []jen.Code
	if jp.Signed {
		if jp.Timestamp != nil || jp.Nonce != nil {
			body = append(body, jen.Id("stamp").Op(":=").Qual(pkgJumps, "NewStamp").Call(jen.Id("opts").Op("...")))
		}
		if jp.Timestamp != nil {
			body = append(body, data.Clone().Dot(jp.Timestamp.Name).Op("=").Id("stamp").Dot("Timestamp").Call())
		}
		if jp.Nonce != nil {
			body = append(body,
				jen.List(jen.Id("nonce"), jen.Err()).Op(":=").Id("stamp").Dot("Nonce").Call(),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), wrap(jen.Err()))),
				data.Clone().Dot(jp.Nonce.Name).Op("=").Id("nonce"),
			)
		}
		if jp.SignType != nil {
			body = append(body, data.Clone().Dot(jp.SignType.Name).Op("=").Id(jp.Consts[jp.SignType]))
		}
		body = append(body,
			jen.If(jen.Id(jp.KeyParam).Op("==").Lit("")).Block(jen.Return(jen.Nil(), wrap(jen.Qual(pkgJumps, "ErrEmptyKey")))),
			jen.Id("sum").Op(":=").Add(data.Clone()).Dot("signature").Call(jen.Id(jp.KeyParam)),
			data.Clone().Dot(jp.Sign.Name).Op("=").String().Parens(jen.Id("sum").Index(jen.Empty(), jen.Empty())),
		)
	}
	if j.Carrier == "query_string" {
		// The data is not embedded in the parameters: validate it on its own.
		body = append(body, jen.If(jen.Err().Op(":=").Add(data.Clone()).Dot("Validate").Call(), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Err())))
	}
	var pairs []jen.Code
	for _, f := range jp.Params.Fields {
		switch {
		case f == jp.Carrier && j.Carrier == "extra_data":
			pairs = append(pairs, kv(f.Name, data.Clone()))
		case f == jp.Carrier:
			keys := []jen.Code{data.Clone().Dot("Values").Call()}
			for _, df := range jp.Data.Fields {
				keys = append(keys, jen.Lit(df.Wire))
			}
			pairs = append(pairs, kv(f.Name, jen.Qual(pkgJumps, "EncodeQuery").Call(keys...)))
		case jp.Consts[f] != "":
			pairs = append(pairs, kv(f.Name, jen.Id(jp.Consts[f])))
		case jp.Defaults[f] != "":
			pairs = append(pairs, kv(f.Name, jen.Id(jp.Defaults[f])))
		}
	}
	body = append(body,
		jen.Id("p").Op(":=").Op("&").Id(jp.Params.Name).Add(ordered(pairs...)),
		jen.If(jen.Err().Op(":=").Id("p").Dot("Validate").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Id("p"), jen.Nil()),
	)
	g.Func().Id(name).Params(params...).Params(jen.Op("*").Id(jp.Params.Name), jen.Error()).Block(body...)
	g.Line()
}

func (jp *jumpPlan) emitParseReturn(p *ir.Package, g *docFile) {
	j, back := jp.Spec, jp.Back
	name := "Parse" + back.Name
	g.Commentf("%s reads the return data of the %s jump and validates it.", name, j.Title)
	g.Comment("")
	if j.Returns.Scene != 0 {
		g.Commentf("data is referrerInfo.extraData as the merchant mini program received it in App.onShow")
		g.Commentf("(scene %d, referrerInfo.appId %s) and posted to its back end, a JSON object.", j.Returns.Scene, j.Returns.ReferrerAppID)
	} else {
		g.Comment("data is the result the front end received in its callback, posted to the back end")
		g.Comment("as a JSON object; numbers and booleans are read as their text where a field is a string.")
	}
	for _, l := range ir.Lines(j.Returns.PresentWhen) {
		g.Comment(l)
	}
	g.Comment("")
	g.Comment("Empty data (an empty body, null or {}) is jumps.ErrNoReturnData: ask the back end")
	g.Comment("for the order's state instead. Malformed JSON and invalid fields are errors that")
	g.Comment("name the field, never its value. The front end's data is a hint: confirm the")
	g.Comment("outcome on the back end.")
	g.Func().Id(name).Params(jen.Id("data").Index().Byte()).Params(jen.Op("*").Id(back.Name), jen.Error()).Block(
		jen.List(jen.Id("m"), jen.Err()).Op(":=").Qual(pkgJumps, "ReturnFields").Call(jen.Id("data")),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(p.Name+"."+name+": %w"), jen.Err())),
		),
		jen.Return(jen.Id("decode"+back.Name).Call(jen.Id("m"))),
	)
	g.Line()
}
