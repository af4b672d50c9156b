package ir

import (
	"fmt"

	"github.com/payscoregen/payscoregen/internal/spec"
)

// names is the package-level Go names a package declares, so two spec
// items can never generate the same identifier: the second gets a
// positioned problem instead of a compile error.
type names struct {
	taken map[string]claim
}

type claim struct {
	what string
	pos  spec.Pos
}

// fixed are names the emitters declare on their own.
var fixed = []string{"Client", "ClientOption", "NewClient", "WithBaseURL", "WithHTTPClient",
	"WithoutResponseSignCheck", "DefaultBaseURL"}

func (n *names) init() {
	n.taken = map[string]claim{}
	for _, name := range fixed {
		n.taken[name] = claim{what: "the generated client"}
	}
}

// claim takes name for what (declared at pos); a taken name is a problem.
func (pkg *Package) claim(pos spec.Pos, what string, list ...string) bool {
	ok := true
	for _, name := range list {
		if name == "" {
			continue
		}
		if prev, dup := pkg.names.taken[name]; dup {
			at := ""
			if prev.pos.File != "" {
				at = fmt.Sprintf(" (%s:%d:%d)", prev.pos.File, prev.pos.Line, prev.pos.Col)
			}
			pkg.problem(pos, "%s: generated Go name %s.%s is already used by %s%s; set go_name", what, pkg.Name, name, prev.what, at)
			ok = false
			continue
		}
		pkg.names.taken[name] = claim{what: what, pos: pos}
	}
	return ok
}
