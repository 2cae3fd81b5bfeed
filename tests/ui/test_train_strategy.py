"""The Train tab's Strategy row: the choice travels in the run's TrainConfig."""

def test_strategy_and_workers_go_into_the_config(window):
    panel = window.panel("TrainPanel")
    panel.strategy.setCurrentIndex(panel.strategy.findData("multi-worker"))
    panel.workers.setValue(3)
    config = panel.make_config()
    assert (config.strategy, config.workers) == ("multi-worker", 3)
    assert [panel.strategy.itemData(i) for i in range(panel.strategy.count())] == [
        "one", "mirrored", "multi-worker", "parameter-server"]
    panel.strategy.setCurrentIndex(panel.strategy.findData("one"))
    assert panel.make_config().strategy == "one"

