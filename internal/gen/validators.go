package gen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/spec"
)

// validatorsEmitter writes a Validate method for every struct, fed by rules
// declared once as package variables: generated code only lists fields and
// rules, the checking itself is runtime/validate's.
type validatorsEmitter struct{}

func (validatorsEmitter) suffix() string { return "validators" }

func (validatorsEmitter) emit(p *Package, g *jen.File) (bool, error) {
	plan := p.types()
	if len(plan.All) == 0 {
		return false, nil
	}
	rules := &ruleSet{byKey: map[string]string{}, used: map[string]bool{}}
	var methods []jen.Code
	var walk func(s *goStruct)
	walk = func(s *goStruct) {
		methods = append(methods, validateMethod(s, rules))
		for _, c := range s.Children {
			walk(c)
		}
	}
	for _, s := range plan.All {
		walk(s)
	}
	if len(rules.decls) > 0 {
		g.Comment("Rules shared by the Validate methods, one per distinct set of limits.")
		g.Var().DefsFunc(func(d *jen.Group) {
			for _, decl := range rules.decls {
				d.Add(decl)
			}
		})
		g.Line()
	}
	for _, m := range methods {
		g.Add(m)
		g.Line()
	}
	return true, nil
}

// ruleSet declares each distinct rule once and names it after what it says.
type ruleSet struct {
	byKey map[string]string // rendered literal -> variable name
	used  map[string]bool
	decls []jen.Code
}

func (rs *ruleSet) declare(name string, lit *jen.Statement) string {
	key := fmt.Sprintf("%#v", lit)
	if v, ok := rs.byKey[key]; ok {
		return v
	}
	v := name
	for i := 2; rs.used[v]; i++ {
		v = fmt.Sprintf("%s%d", name, i)
	}
	rs.used[v] = true
	rs.byKey[key] = v
	rs.decls = append(rs.decls, jen.Id(v).Op("=").Add(lit))
	return v
}

// stringRule returns the variable holding the field's string rule.
func (rs *ruleSet) stringRule(s *goStruct, f *goField) string {
	sf := f.Spec
	var dict []jen.Code
	name := "rule"
	switch {
	case f.Kind == kindEnum:
		name += f.TypeName
	case sf.Pattern != "":
		name += s.Name + f.Name
	default:
		name += "String"
	}
	if sf.Required {
		dict = append(dict, jen.Id("Required").Op(":").True())
		name += "Required"
	}
	if sf.MinLength != nil && *sf.MinLength > 0 {
		dict = append(dict, jen.Id("MinLength").Op(":").Lit(*sf.MinLength))
	}
	if sf.MaxLength != nil {
		dict = append(dict, jen.Id("MaxLength").Op(":").Lit(*sf.MaxLength))
	}
	if f.Kind != kindEnum && sf.Pattern == "" && (sf.MinLength != nil || sf.MaxLength != nil) {
		name += fmt.Sprintf("Len%sTo%s", bound(sf.MinLength, "0"), bound(sf.MaxLength, "Any"))
	}
	if len(sf.Enum) > 0 {
		dict = append(dict, jen.Id("Enum").Op(":").Index().String().ValuesFunc(func(g *jen.Group) {
			for _, v := range sf.Enum {
				g.Lit(v.Value)
			}
		}))
	}
	if sf.Const != "" {
		// A fixed value is an enum of one.
		dict = append(dict, jen.Id("Enum").Op(":").Index().String().Values(jen.Lit(sf.Const)))
		name += "Fixed" + f.Name
	}
	if sf.Pattern != "" {
		dict = append(dict, jen.Id("Pattern").Op(":").Qual("regexp", "MustCompile").Call(jen.Lit(sf.Pattern)))
		if sf.PatternText != "" {
			dict = append(dict, jen.Id("PatternDescription").Op(":").Lit(sf.PatternText))
		}
	}
	if sf.Reject4ByteUTF8 {
		dict = append(dict, jen.Id("Reject4ByteUTF8").Op(":").True())
		name += "NoEmoji"
	}
	if format := validateFormat(string(sf.Format)); format != "" && f.Kind == kindString {
		dict = append(dict, jen.Id("Format").Op(":").Qual(pkgValidate, format))
		name += strings.TrimPrefix(format, "Format")
	}
	lit := jen.Op("&").Qual(pkgValidate, "StringRule").Values(dict...)
	return rs.declare(name, lit)
}

// validateFormat maps a spec format to the runtime constant that checks it.
func validateFormat(f string) string {
	switch f {
	case "rfc3339":
		return "FormatRFC3339"
	case "yyyyMMddHHmmss":
		return "FormatChinaTime"
	case "unix_seconds":
		return "FormatUnixSeconds"
	}
	return ""
}

func (rs *ruleSet) intRule(f *spec.Field) string {
	var dict []jen.Code
	name := "ruleInt"
	if f.Required {
		dict = append(dict, jen.Id("Required").Op(":").True())
		name += "Required"
	}
	if f.Minimum != nil {
		dict = append(dict, jen.Id("HasMin").Op(":").True(), jen.Id("Min").Op(":").Lit(*f.Minimum))
		name += fmt.Sprintf("Min%d", *f.Minimum)
	}
	if f.Maximum != nil {
		dict = append(dict, jen.Id("HasMax").Op(":").True(), jen.Id("Max").Op(":").Lit(*f.Maximum))
		name += fmt.Sprintf("Max%d", *f.Maximum)
	}
	return rs.declare(name, jen.Op("&").Qual(pkgValidate, "IntRule").Values(dict...))
}

func bound(p *int, none string) string {
	if p == nil {
		return none
	}
	return fmt.Sprint(*p)
}

// validateMethod writes Validate for one struct.
func validateMethod(s *goStruct, rules *ruleSet) jen.Code {
	r := jen.Id("r")
	body := []jen.Code{
		jen.If(r.Clone().Op("==").Nil()).Block(jen.Id("r").Op("=").New(jen.Id(s.Name))),
		jen.Var().Id("c").Qual(pkgValidate, "Collector"),
	}
	for _, f := range s.Fields {
		field := jen.Id("r").Dot(f.Name)
		switch f.Kind {
		case kindString:
			body = append(body, jen.Id("c").Dot("String").Call(jen.Lit(f.Wire), field, jen.Id(rules.stringRule(s, f))))
		case kindEnum:
			body = append(body, jen.Id("c").Dot("String").Call(jen.Lit(f.Wire), jen.String().Parens(field), jen.Id(rules.stringRule(s, f))))
		case kindInt:
			body = append(body, jen.Id("c").Dot("Int").Call(jen.Lit(f.Wire), field, field.Clone().Op("!=").Lit(0), jen.Id(rules.intRule(f.Spec))))
		case kindRFC3339, kindChinaTime:
			if f.Spec.Required {
				body = append(body, jen.If(field.Clone().Dot("IsZero").Call()).Block(
					jen.Id("c").Dot("Add").Call(jen.Lit(f.Wire), jen.Op("&").Qual(pkgValidate, "RequiredError").Values()),
				))
			}
		case kindObject:
			body = append(body, jen.Id("c").Dot("Add").Call(jen.Lit(f.Wire), field.Clone().Dot("Validate").Call()))
		case kindBool:
			// Nothing to check: both values are valid.
		}
	}
	for _, g := range s.OneOf {
		var paths, present []jen.Code
		for _, name := range g.Fields {
			for _, f := range s.Fields {
				if f.Spec.Name == name {
					paths = append(paths, jen.Lit(f.Wire))
					present = append(present, jen.Id("r").Dot(f.Name).Op("!=").Lit(""))
				}
			}
		}
		body = append(body, jen.Id("c").Dot("OneOf").Call(
			jen.Index().String().Values(paths...), jen.Index().Bool().Values(present...)))
	}
	body = append(body, jen.Return(jen.Id("c").Dot("Err").Call(jen.Lit(s.Wire))))
	return jen.Commentf("Validate checks every documented limit of %s and returns a *validate.Errors", s.Name).Line().
		Comment("listing each violation with its field path, or nil. It makes no network call.").Line().
		Func().Params(jen.Id("r").Op("*").Id(s.Name)).Id("Validate").Params().Error().Block(body...)
}
