# The two commands of the README's Quick start: `make dev` (run forgebot locally) and `make test`.
# Every target runs on the project's Node.js (scripts/with-tools.sh: the one setup installs into .tools/node when the
# host's is older); outside make, `./forgebot …` does the same.
.PHONY: setup dev test typecheck lint eval
RUN := ./scripts/with-tools.sh
# `make test` runs its steps in order and stops at the first that fails: say so, and which steps did not run.
define step
	@$(RUN) $(1) || { status=$$?; printf '\033[31mmake test: %s failed (exit %s); not run: %s\033[0m\n' "$(1)" "$$status" "$(2)" >&2; exit $$status; }
endef

setup:
	@./scripts/setup.sh

dev: setup
	@LOG_FORMAT=$${LOG_FORMAT:-pretty} $(RUN) node --import tsx src/cli/main.ts dev

typecheck: setup
	@$(RUN) npm run --silent typecheck

lint: setup
	@$(RUN) npm run --silent lint

# The review evaluation corpus with the rule-based fake model: proves the harness end to end (exits 1 if a case fails).
eval: setup
	@$(RUN) node --import tsx src/cli/main.ts eval --reviewer heuristic --out .forgebot/eval-heuristic.json

test: setup
	$(call step,npm run --silent typecheck,lint / the test suite / the evaluation corpus (make eval))
	$(call step,npm run --silent lint,the test suite / the evaluation corpus (make eval))
	$(call step,npm test,the evaluation corpus (make eval))
	@$(MAKE) --no-print-directory eval
