package spec

import "strings"

// modePrefix ties an API path prefix to the Go package (the Pay Score mode)
// whose endpoints live under it. The table is the data; modePath applies it.
type modePrefix struct {
	Prefix  string
	Package string
}

// modePrefixes lists the Pay Score modes' path prefixes. The longest prefix
// matching a path decides its mode, so /v3/payscore/partner/... is the
// partner's although it is also under the merchant's /v3/payscore/.
var modePrefixes = []modePrefix{
	{"/v3/payscore/", "merchant"},
	{"/v3/payscore/partner/", "partner"},
	{"/v3/payscore/plan/partner/", "partner"},
	{"/v3/payscore/sign-plan/partner/", "partner"},
	{"/v3/payscore/acquiringbank/", "acquiringbank"},
	{"/v3/payscore/oversea/", "oversea"},
}

// modeOfPath returns the mode package a path belongs to, or "" when no
// prefix matches.
func modeOfPath(path string) string {
	best := modePrefix{}
	for _, m := range modePrefixes {
		if strings.HasPrefix(path, m.Prefix) && len(m.Prefix) > len(best.Prefix) {
			best = m
		}
	}
	return best.Package
}

func isModePackage(pkg string) bool {
	for _, m := range modePrefixes {
		if m.Package == pkg {
			return true
		}
	}
	return false
}

// modePath checks that an endpoint of a mode package has a path under its
// own mode's prefix. Other packages (payscore, xiaoweijufu) are not checked.
func (c *checker) modePath(f *File, e *Endpoint) {
	if !isModePackage(f.Package) || modeOfPath(e.Path) == f.Package {
		return
	}
	var want []string
	for _, m := range modePrefixes {
		if m.Package == f.Package {
			want = append(want, m.Prefix)
		}
	}
	c.r.add(e.At("path"), "endpoint %s: path %q of package %s is not under its mode's prefix %s",
		e.ID, e.Path, f.Package, strings.Join(want, " or "))
}
