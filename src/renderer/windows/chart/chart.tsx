import '../../styles/app.css';
import { boot } from '../../app/boot';
import { BacktestChartWindow } from './backtest-chart-window';
import { ChartWindow, readChartParams } from './chart-window';

const backtest = new URLSearchParams(location.search).get('backtest');
const params = readChartParams(location.search);
boot(() => (backtest ? <BacktestChartWindow runId={backtest} /> : <ChartWindow params={params} />));
