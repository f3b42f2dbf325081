# The two commands of the README's Quick start: `make dev` (run forgebot locally) and `make test`.
.PHONY: setup dev test typecheck lint eval
RUN := ./scripts/with-tools.sh

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
	@$(RUN) npm run --silent typecheck
	@$(RUN) npm run --silent lint
	@$(RUN) npm test
	@$(MAKE) --no-print-directory eval
