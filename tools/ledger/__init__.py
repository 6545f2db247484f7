"""Tax-lot ledger and household wash-sale engine (IRC §1091).

``replay_ledger`` rebuilds lots, cash, disposals and wash sales from transactions;
``tools.ledger.forward`` answers what-if questions on a copy of the replay;
``tools.ledger.report`` renders the contract JSON and the Form 8949 CSV.
"""

from tools.ledger.replay import LedgerEngine, replay_ledger, wash_key_of
from tools.ledger.results import Disposal, Ledger, WashSale

__all__ = ["Disposal", "Ledger", "LedgerEngine", "WashSale", "replay_ledger", "wash_key_of"]
