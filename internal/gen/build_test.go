package gen

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/payscoregen/payscoregen/internal/ir"
	"github.com/payscoregen/payscoregen/internal/spec"
)

// "check passes" must mean "the generated code compiles": every golden
// scenario that generates is written into one temporary module (using this
// repository through a replace directive) and built and vetted there.
func TestGoldenBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated code with the go tool; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool in PATH: " + err.Error())
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	goMod := "module payscoregen.example\n\ngo 1.26\n\nrequire " + Module + " v0.0.0\n\nreplace " + Module + " => " + repo + "\n"
	writeFile(t, filepath.Join(tmp, "go.mod"), goMod)
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(tmp, "go.sum"), string(sum))

	scenarios, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	built := 0
	for _, sc := range scenarios {
		dir := filepath.Join(goldenDir, sc.Name())
		prog, err := ir.Load(os.DirFS(filepath.Join(dir, "spec")), "spec", ir.Options{ImportBase: goldenImportBase(dir)})
		var problems spec.Problems
		if errors.As(err, &problems) {
			continue // an error scenario
		}
		if err != nil {
			t.Fatal(err)
		}
		files, err := Render(prog, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for name, data := range files {
			if strings.HasSuffix(name, ".go") {
				writeFile(t, filepath.Join(tmp, sc.Name(), filepath.FromSlash(name)), string(data))
			}
		}
		built++
	}
	t.Logf("%d scenarios generated into %s", built, tmp)
	if built == 0 {
		t.Fatal("no golden scenario generates code")
	}
	// Run the generated validation of the nested scenario: paths name array
	// items and nested members.
	writeFile(t, filepath.Join(tmp, "nested", "demo", "paths_test.go"), nestedPathsTest)
	writeFile(t, filepath.Join(tmp, "shared_types", "acquiringbank", "rules_test.go"), sharedRulesTest)
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}, {"test", "./nested/...", "./shared_types/..."}} {
		cmd := exec.Command(goTool, args...)
		cmd.Dir = tmp
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s in the generated golden module: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

const nestedPathsTest = `package demo

import (
	"strings"
	"testing"
)

func TestPaths(t *testing.T) {
	long := strings.Repeat("x", 17)
	d := &OrderNotifyData{OutOrderNo: "1", RiskFund: OrderNotifyDataRiskFund{Name: "DEPOSIT", Amount: 1,
		Items: []OrderNotifyDataRiskFundItemsItem{{Label: "a"}, {Label: "b"}, {Label: "c"},
			{Label: "d", Detail: &OrderNotifyDataRiskFundItemsItemDetail{Note: long}}}}}
	err := d.Validate()
	if err == nil || !strings.Contains(err.Error(), "risk_fund.items[3].detail.note") {
		t.Fatalf("Validate = %v, want a violation at risk_fund.items[3].detail.note", err)
	}
}
`

const sharedRulesTest = `package acquiringbank

import (
	"strings"
	"testing"

	"payscoregen.example/shared_types/payscore"
)

func TestRules(t *testing.T) {
	r := &CreateOrderRequest{
		OutOrderNo: "1", QueryID: "2", OpenID: "o", SubOpenID: "s",
		PostPayments:  []payscore.PostPayment{{Name: "a", Amount: 300}, {Amount: 100}},
		PostDiscounts: []payscore.PostPayment{{Amount: 50}},
		TotalAmount:   1, TimeRange: payscore.TimeRange{StartTime: "2023-12-18"},
	}
	err := r.Validate()
	if err == nil {
		t.Fatal("no violation")
	}
	for _, want := range []string{"post_payments[1].name: required", "out_order_no|query_id", "openid|sub_openid",
		"total_amount: must equal", "time_range.start_time: not a valid"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v\nlacks %q", err, want)
		}
	}
	ok := &CreateOrderRequest{
		OutOrderNo: "1", SubAppID: "wx", SubOpenID: "s",
		PostPayments: []payscore.PostPayment{{Name: "a", Amount: 300}}, PostDiscounts: []payscore.PostPayment{{Amount: 50}},
		TotalAmount: 250, TimeRange: payscore.TimeRange{StartTime: "OnAccept"},
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid request: %v", err)
	}
	ok.SubOpenID = ""
	if err := ok.Validate(); err == nil || !strings.Contains(err.Error(), "sub_openid: required when sub_appid") {
		t.Errorf("required_with: %v", err)
	}
}
`
