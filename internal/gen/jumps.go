package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/spec"
)

// Runtime packages of the jump builders, the form/MD5 notify and client.
const (
	pkgJumps   = Module + "/runtime/jumps"
	pkgKV      = Module + "/runtime/kv"
	pkgFormMD5 = Module + "/runtime/formmd5"
)

func init() {
	importNames[pkgJumps] = "jumps"
	importNames[pkgKV] = "kv"
	importNames[pkgFormMD5] = "formmd5"
}

// jumpsEmitter writes, for every front-end jump: its constants (appId, path,
// businessType, version gates, return scene), the business data and
// parameter structs, a builder that fills, signs and validates them, a
// signature check for signed jumps, and a parser of the return data.
type jumpsEmitter struct{}

func (jumpsEmitter) suffix() string { return "jumps" }

// nonceFields are the wire names a signed builder fills with a fresh nonce.
// The spec has no marker for the role; these are the names the doc pages use.
var nonceFields = map[string]bool{"nonce_str": true, "nonce": true}

// jumpPlan is what the emitter knows about one jump once its spec is checked.
type jumpPlan struct {
	j      *spec.Jump
	data   *goStruct
	params *goStruct
	back   *goStruct

	carrier  *goField            // the params field holding the data
	consts   map[*goField]string // fixed params and data fields -> const name
	defaults map[*goField]string // params with a default -> const name

	signed    bool
	alg       string // jumpsign constant: HMACSHA256Algo or MD5Algo
	keyParam  string // name of the key parameter
	sign      *goField
	signType  *goField
	timestamp *goField
	nonce     *goField
}

func (jumpsEmitter) emit(p *Package, g *jen.File) (bool, error) {
	if len(p.Jumps) == 0 {
		return false, nil
	}
	plan := p.types()
	declared := map[*goStruct]bool{} // types jumps of one page share are written once
	for _, j := range p.Jumps {
		jp, err := planJump(j, plan)
		if err != nil {
			return false, fmt.Errorf("jump %s (%s:%d): %w", j.ID, j.File.Path, j.Line, err)
		}
		jp.emitConsts(g)
		if !declared[jp.data] {
			declared[jp.data] = true
			jp.data.declare(g)
			jp.emitValues(g)
			if jp.signed {
				jp.emitVerifyData(g)
			}
		}
		jp.params.declare(g)
		jp.emitBuilder(p, g)
		if jp.signed {
			jp.emitVerifyParams(g)
		}
		if jp.back != nil && !declared[jp.back] {
			declared[jp.back] = true
			jp.back.declare(g)
			jp.emitParseReturn(p, g)
			emitDecode(p, g, jp.back)
		}
	}
	return true, nil
}

// jumpParams builds <Jump>Params, the parameters of the front-end call
// (businessType, appId, path, extInfo ... and the carrier). An object
// parameter is the carrier: its type is the jump's data struct, so the data
// is declared and validated once.
func (p *Package) jumpParams(j *spec.Jump, data *goStruct) *goStruct {
	name := j.Ident() + "Params"
	doc := []string{
		fmt.Sprintf("%s are the parameters of %s for the %s jump, ready to JSON-encode for the", name, j.Call, j.Title),
		"front end (build them with New" + j.Ident() + ").",
		"",
	}
	doc = append(doc, textLines(j.Summary)...)
	s := &goStruct{Name: name, Doc: append(doc, pageDoc(j.File)), Wire: p.Name + "." + name}
	for _, f := range j.Params {
		if f.Type == "object" {
			s.Fields = append(s.Fields, &goField{Spec: f, Name: f.Ident(), Wire: f.Name, Kind: kindObject, TypeName: data.Name, InJSON: true})
			continue
		}
		s.Fields = append(s.Fields, p.typesOf(name, nil, []*spec.Field{f}).Fields[0])
	}
	return s
}

func planJump(j *spec.Jump, plan *typePlan) (*jumpPlan, error) {
	jp := &jumpPlan{
		j: j, data: plan.JumpData[j], params: plan.JumpParams[j], back: plan.JumpBack[j],
		consts: map[*goField]string{}, defaults: map[*goField]string{},
	}
	for _, f := range jp.data.Fields {
		switch f.Kind {
		case kindString, kindEnum, kindInt:
		default:
			return nil, fmt.Errorf("data field %s: only string and integer fields can be signed or put into a query string", f.Wire)
		}
		if f.Spec.Const != "" {
			jp.consts[f] = j.Ident() + f.Name
		}
	}
	for _, f := range jp.params.Fields {
		switch {
		case f.Kind == kindObject:
			if f.Wire != j.CarrierField || j.Carrier != "extra_data" {
				return nil, fmt.Errorf("object parameter %s is not the extra_data carrier (carrier_field %s)", f.Wire, j.CarrierField)
			}
			jp.carrier = f
		case f.Wire == j.CarrierField:
			if j.Carrier != "query_string" || f.Kind != kindString {
				return nil, fmt.Errorf("carrier parameter %s must be a string for carrier query_string", f.Wire)
			}
			jp.carrier = f
		case f.Spec.Const != "":
			jp.consts[f] = j.Ident() + f.Name
		case defaultOf(f.Spec) != "":
			jp.defaults[f] = j.Ident() + "Default" + f.Name
		case f.Spec.Required:
			return nil, fmt.Errorf("required parameter %s is neither fixed (const), the carrier, nor has a default (a JSON example)", f.Wire)
		}
	}
	if jp.back != nil {
		if err := flatKindsOK(jp.back); err != nil {
			return nil, fmt.Errorf("returns: %w", err)
		}
	}
	if jp.carrier == nil {
		return nil, fmt.Errorf("no parameter named carrier_field %s", j.CarrierField)
	}
	// The jump's own appId, path and businessType must agree with the fixed parameters.
	for name, want := range map[string]string{"appId": j.AppID, "path": j.Path, "businessType": j.BusinessType} {
		for f := range jp.consts {
			if f.Wire == name && want != "" && f.Spec.Const != want {
				return nil, fmt.Errorf("parameter %s is fixed to %q but the jump says %q", name, f.Spec.Const, want)
			}
		}
	}
	switch j.Signing.Algorithm {
	case "none":
		return jp, nil
	case "HMAC-SHA256":
		jp.alg = "HMACSHA256Algo"
	case "MD5":
		jp.alg = "MD5Algo"
	}
	jp.signed = true
	switch j.Signing.Key {
	case "apiv2_key":
		jp.keyParam = "apiV2Key"
	case "merchant_secret":
		jp.keyParam = "merchantKey"
	default:
		return nil, fmt.Errorf("signing.key must say which key signs (apiv2_key or merchant_secret)")
	}
	signField := j.Signing.SignField
	if signField == "" {
		signField = "sign"
	}
	for _, f := range jp.data.Fields {
		switch {
		case f.Wire == signField:
			jp.sign = f
		case f.Wire == j.Signing.SignTypeField:
			jp.signType = f
		case f.Spec.Format == "unix_seconds":
			jp.timestamp = f
		case nonceFields[f.Wire]:
			jp.nonce = f
		}
	}
	if jp.sign == nil || jp.sign.Kind != kindString {
		return nil, fmt.Errorf("signed data has no string field %s", signField)
	}
	if j.Signing.SignTypeField != "" && (jp.signType == nil || jp.signType.Spec.Const == "") {
		return nil, fmt.Errorf("sign_type_field %s must name a fixed (const) data field", j.Signing.SignTypeField)
	}
	return jp, nil
}

// defaultOf is the default of a JSON parameter: its example, compacted, when
// the example is a JSON object (extInfo {"miniProgramType": 0}).
func defaultOf(f *spec.Field) string {
	if f.Format != "json" || f.Example == "" {
		return ""
	}
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(f.Example)); err != nil || !strings.HasPrefix(b.String(), "{") {
		return ""
	}
	return b.String()
}

func (jp *jumpPlan) emitConsts(g *jen.File) {
	j := jp.j
	id := j.Ident()
	g.Commentf("Constants of the %s jump (%s, %s), from the spec.", id, j.Title, j.Call)
	g.Const().DefsFunc(func(d *jen.Group) {
		constDoc := func(f *goField, what string) {
			d.Commentf("%s%s is %s (%s).", id, f.Name, what, f.Wire)
			for _, l := range textLines(f.Spec.Description) {
				d.Comment(l)
			}
		}
		for _, f := range jp.params.Fields {
			if name, ok := jp.consts[f]; ok {
				constDoc(f, "the fixed "+f.Wire+" parameter")
				d.Id(name).Op("=").Lit(f.Spec.Const)
			}
			if name, ok := jp.defaults[f]; ok {
				d.Commentf("%s is the default %s: the doc's example %s, compacted.", name, f.Wire, f.Spec.Example)
				for _, l := range textLines(f.Spec.Description) {
					d.Comment(l)
				}
				d.Id(name).Op("=").Lit(defaultOf(f.Spec))
			}
		}
		for _, f := range jp.data.Fields {
			if name, ok := jp.consts[f]; ok {
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

// emitValues writes Values: the data by wire name, as signed and encoded.
func (jp *jumpPlan) emitValues(g *jen.File) {
	s := jp.data
	g.Comment("Values returns the fields of r by wire name, integers in decimal (0 as empty).")
	g.Comment("Empty values are neither signed nor put into a query string.")
	g.Func().Params(jen.Id("r").Op("*").Id(s.Name)).Id("Values").Params().Map(jen.String()).String().Block(
		jen.Return(jen.Map(jen.String()).String().Values(jen.DictFunc(func(d jen.Dict) {
			for _, f := range s.Fields {
				d[jen.Lit(f.Wire)] = fieldText(jen.Id("r").Dot(f.Name), f)
			}
		}))),
	)
	g.Line()
}

// fieldText is the wire text of a string, enum or integer field.
func fieldText(v *jen.Statement, f *goField) jen.Code {
	switch f.Kind {
	case kindEnum:
		return jen.String().Parens(v)
	case kindInt:
		return jen.Qual(pkgKV, "FormatInt").Call(v)
	}
	return v
}

func algWords(alg string) string {
	if alg == "MD5Algo" {
		return "MD5"
	}
	return "HMAC-SHA256"
}

// keyDoc explains the key parameter of signed builders and checks.
func (jp *jumpPlan) keyDoc() []string {
	if jp.keyParam == "apiV2Key" {
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

// emitVerifyData writes the data's VerifySign, once per data type.
func (jp *jumpPlan) emitVerifyData(g *jen.File) {
	s := jp.data
	key := jen.Id(jp.keyParam)
	g.Commentf("VerifySign reports whether r.%s is the %s signature of the other non-empty", jp.sign.Name, algWords(jp.alg))
	g.Comment("fields under the key, comparing in constant time (jumpsign.Verify). An empty key")
	g.Comment("gives false.")
	g.Comment("")
	for _, l := range jp.keyDoc() {
		g.Comment(l)
	}
	g.Func().Params(jen.Id("r").Op("*").Id(s.Name)).Id("VerifySign").Params(key.Clone().Qual(pkgJumpSign, "Secret")).Bool().Block(
		jen.Return(key.Clone().Op("!=").Lit("").Op("&&").Qual(pkgJumpSign, "Verify").Call(
			jen.Qual(pkgJumpSign, jp.alg), jen.Id("r").Dot("Values").Call(), key.Clone(), jen.Id("r").Dot(jp.sign.Name))),
	)
	g.Line()
}

// emitVerifyParams writes VerifySign on a query-string jump's parameters.
func (jp *jumpPlan) emitVerifyParams(g *jen.File) {
	key := jen.Id(jp.keyParam)
	if jp.j.Carrier == "query_string" {
		g.Commentf("VerifySign reports whether p.%s carries a valid %s signature under the key", jp.carrier.Name, algWords(jp.alg))
		g.Comment("(jumps.VerifyQuery: decoded values except sign, constant-time comparison).")
		g.Func().Params(jen.Id("p").Op("*").Id(jp.params.Name)).Id("VerifySign").Params(key.Clone().Qual(pkgJumpSign, "Secret")).Bool().Block(
			jen.Return(jen.Qual(pkgJumps, "VerifyQuery").Call(jen.Qual(pkgJumpSign, jp.alg), jen.Id("p").Dot(jp.carrier.Name), key.Clone())),
		)
		g.Line()
	}
}

func (jp *jumpPlan) emitBuilder(p *Package, g *jen.File) {
	j := jp.j
	name := "New" + j.Ident()
	data := jen.Id("data")
	wrap := func(err jen.Code) jen.Code {
		return jen.Qual("fmt", "Errorf").Call(jen.Lit(p.Name+"."+name+": %w"), err)
	}

	// Doc comment.
	g.Commentf("%s builds the parameters of %s for the %s jump (%s).", name, j.Call, j.Title, j.Platform)
	g.Comment("")
	for _, l := range textLines(j.Summary) {
		g.Comment(l)
	}
	if j.Source != "" {
		g.Comment("Source: " + strings.Join(textLines(j.Source), " "))
	}
	g.Comment(pageDoc(j.File))
	g.Comment("")
	var filled []string
	for _, f := range []*goField{jp.timestamp, jp.nonce, jp.signType} {
		if f != nil {
			filled = append(filled, f.Wire)
		}
	}
	if jp.signed {
		what := "It"
		if len(filled) > 0 {
			what = fmt.Sprintf("It fills %s (replacing what data holds),", strings.Join(filled, ", "))
			g.Comment(what)
			what = "then"
		}
		g.Commentf("%s signs the non-empty data fields with %s over the ASCII-sorted k=v pairs", what, algWords(jp.alg))
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
		for i, l := range textLines(n) {
			if i == 0 {
				l = "Note: " + l
			}
			g.Comment(l)
		}
	}

	params := []jen.Code{data.Clone().Id(jp.data.Name)}
	if jp.signed {
		params = append(params, jen.Id(jp.keyParam).Qual(pkgJumpSign, "Secret"), jen.Id("opts").Op("...").Qual(pkgJumps, "Option"))
	}
	var body []jen.Code
	if jp.signed {
		if jp.timestamp != nil || jp.nonce != nil {
			body = append(body, jen.Id("stamp").Op(":=").Qual(pkgJumps, "NewStamp").Call(jen.Id("opts").Op("...")))
		}
		if jp.timestamp != nil {
			body = append(body, data.Clone().Dot(jp.timestamp.Name).Op("=").Id("stamp").Dot("Timestamp").Call())
		}
		if jp.nonce != nil {
			body = append(body,
				jen.List(jen.Id("nonce"), jen.Err()).Op(":=").Id("stamp").Dot("Nonce").Call(),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), wrap(jen.Err()))),
				data.Clone().Dot(jp.nonce.Name).Op("=").Id("nonce"),
			)
		}
		if jp.signType != nil {
			body = append(body, data.Clone().Dot(jp.signType.Name).Op("=").Id(jp.consts[jp.signType]))
		}
		body = append(body,
			jen.List(jen.Id("sign"), jen.Err()).Op(":=").Qual(pkgJumps, "Sign").Call(
				jen.Qual(pkgJumpSign, jp.alg), data.Clone().Dot("Values").Call(), jen.Id(jp.keyParam)),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), wrap(jen.Err()))),
			data.Clone().Dot(jp.sign.Name).Op("=").Id("sign"),
		)
	}
	if j.Carrier == "query_string" {
		// The data is not embedded in the parameters: validate it on its own.
		body = append(body, jen.If(jen.Err().Op(":=").Add(data.Clone()).Dot("Validate").Call(), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Err())))
	}
	dict := jen.Dict{}
	for _, f := range jp.params.Fields {
		switch {
		case f == jp.carrier && j.Carrier == "extra_data":
			dict[jen.Id(f.Name)] = data.Clone()
		case f == jp.carrier:
			keys := []jen.Code{data.Clone().Dot("Values").Call()}
			for _, df := range jp.data.Fields {
				keys = append(keys, jen.Lit(df.Wire))
			}
			dict[jen.Id(f.Name)] = jen.Qual(pkgJumps, "EncodeQuery").Call(keys...)
		case jp.consts[f] != "":
			dict[jen.Id(f.Name)] = jen.Id(jp.consts[f])
		case jp.defaults[f] != "":
			dict[jen.Id(f.Name)] = jen.Id(jp.defaults[f])
		}
	}
	body = append(body,
		jen.Id("p").Op(":=").Op("&").Id(jp.params.Name).Values(dict),
		jen.If(jen.Err().Op(":=").Id("p").Dot("Validate").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Id("p"), jen.Nil()),
	)
	g.Func().Id(name).Params(params...).Params(jen.Op("*").Id(jp.params.Name), jen.Error()).Block(body...)
	g.Line()
}

func (jp *jumpPlan) emitParseReturn(p *Package, g *jen.File) {
	j, back := jp.j, jp.back
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
	for _, l := range textLines(j.Returns.PresentWhen) {
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

// emitDecode writes decode<Struct>: a flat map (form fields, a flattened JSON
// object) to the struct, then Validate. Shared by the jump, notify and form
// client emitters; each struct is decoded by exactly one of them.
func emitDecode(p *Package, g *jen.File, s *goStruct) {
	m := jen.Id("m")
	dict := jen.Dict{}
	for _, f := range s.Fields {
		switch f.Kind {
		case kindString:
			dict[jen.Id(f.Name)] = m.Clone().Index(jen.Lit(f.Wire))
		case kindEnum:
			dict[jen.Id(f.Name)] = jen.Id(f.TypeName).Call(m.Clone().Index(jen.Lit(f.Wire)))
		case kindInt:
			dict[jen.Id(f.Name)] = jen.Id("d").Dot("Int").Call(m.Clone(), jen.Lit(f.Wire))
		case kindBool:
			dict[jen.Id(f.Name)] = jen.Id("d").Dot("Bool").Call(m.Clone(), jen.Lit(f.Wire))
		default:
			panic(fmt.Sprintf("gen: %s.%s: cannot decode this kind from flat data (check the emitter's spec checks)", s.Name, f.Wire))
		}
	}
	g.Commentf("decode%s reads %s from flat data (see runtime/kv) and validates it.", s.Name, s.Name)
	g.Func().Id("decode"+s.Name).Params(m.Clone().Map(jen.String()).String()).Params(jen.Op("*").Id(s.Name), jen.Error()).Block(
		jen.Var().Id("d").Qual(pkgKV, "Decoder"),
		jen.Id("r").Op(":=").Op("&").Id(s.Name).Values(dict),
		jen.If(jen.Err().Op(":=").Id("d").Dot("Err").Call(jen.Lit(s.Wire)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.If(jen.Err().Op(":=").Id("r").Dot("Validate").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Id("r"), jen.Nil()),
	)
	g.Line()
}

// flatKindsOK reports whether every field of s can be decoded from flat data.
func flatKindsOK(s *goStruct) error {
	for _, f := range s.Fields {
		switch f.Kind {
		case kindString, kindEnum, kindInt, kindBool:
		default:
			return fmt.Errorf("%s.%s: only string, integer and boolean fields can be read from flat data", s.Name, f.Wire)
		}
	}
	return nil
}
