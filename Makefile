# The two commands of the README's Quick start: `make dev` (run forgebot locally) and `make test`.
.PHONY: setup dev test typecheck lint
RUN := ./scripts/with-tools.sh

setup:
	@./scripts/setup.sh

dev: setup
	@LOG_FORMAT=$${LOG_FORMAT:-pretty} $(RUN) node --import tsx src/cli/main.ts dev

typecheck: setup
	@$(RUN) npm run --silent typecheck

lint: setup
	@$(RUN) npm run --silent lint

test: setup
	@$(RUN) npm run --silent typecheck
	@$(RUN) npm run --silent lint
	@$(RUN) npm test
